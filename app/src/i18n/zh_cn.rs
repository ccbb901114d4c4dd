//! 简体中文 (the default).

use super::Key;

pub fn text(key: Key) -> &'static str {
    match key {
        Key::AppName => "网格通",
        Key::Tagline => "12345 接诉即办",
        Key::SwitchLanguage => "切换语言",
        Key::NavHome => "首页",
        Key::NavResident => "群众",
        Key::NavWorker => "网格员",
        Key::NavStation => "驿站",
        Key::NavStaff => "工作台",
        Key::HomeIntro => "有诉求，随时提；每件诉求都有回应。请选择您的身份：",
        Key::ResidentTitle => "群众诉求",
        Key::ResidentIntro => "拍照、说话或写几句，一分钟提交诉求；凭查询码随时查看办理进度。",
        Key::ResidentCategories => "常见诉求类别",
        Key::WorkerTitle => "网格巡查",
        Key::WorkerIntro => {
            "巡格时离线记录发现的问题，能就地解决的就地解决，解决不了的上报。请先登录。"
        }
        Key::StationTitle => "驿站代办",
        Key::StationIntro => "为来驿站的群众（多为老年人）帮办代办诉求。",
        Key::StaffTitle => "工作台",
        Key::StaffIntro => "派单、接单、办理、督办。请使用工作人员账号登录。",
        Key::Username => "用户名",
        Key::Password => "密码",
        Key::SignIn => "登录",
        Key::SigningIn => "正在登录…",
        Key::SignOut => "退出登录",
        Key::SignedInAs => "当前登录：",
        Key::Loading => "加载中…",
        Key::NotFoundTitle => "页面不存在",
        Key::UpdateReady => "新版本已就绪。",
        Key::UpdateNow => "立即更新",
        Key::ErrNetwork => "网络不可用，请检查网络后重试。",
        Key::ErrBadRequest => "请求无法识别，请刷新页面后重试。",
        Key::ErrValidation => "请检查以下内容：",
        Key::ErrSignIn => "请先登录。",
        Key::ErrCredentials => "用户名或密码不正确。",
        Key::ErrForbidden => "您没有权限进行此操作。",
        Key::ErrNotFound => "没有找到相关内容。",
        Key::ErrTooLarge => "内容过大，请缩小后重试。",
        Key::ErrUnsupported => "不支持的内容格式。",
        Key::ErrRateLimited => "尝试次数过多，请稍后再试。",
        Key::ErrConflict => "内容已存在或已被修改。",
        Key::ErrServer => "服务器出错了，请稍后再试。",
        Key::ErrUnavailable => "服务暂时不可用，请稍后再试。",
        Key::ErrReference => "问题编号",
        Key::FieldSeparator => "：",
        Key::IssueRequired => "必填",
        Key::IssueTooShort => "太短",
        Key::IssueTooLong => "太长",
        Key::IssueInvalid => "格式不正确",
    }
}
