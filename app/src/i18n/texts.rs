//! Every string the UI shows, in zh-CN and English side by side.
//!
//! Each text is a constant: a bundle carries only the texts its pages use (the
//! resident app none of the staff app's), and a text without both languages does not
//! compile.

use super::Key;

// The names read as `Key::AppName` at the call sites, like enum variants.
#[allow(non_upper_case_globals)]
impl Key {
    pub const AppName: Key = Key::new("网格通", "Gridline");
    pub const Tagline: Key = Key::new("12345 接诉即办", "12345: every complaint answered");
    pub const SwitchLanguage: Key = Key::new("切换语言", "Switch language");
    pub const NavHome: Key = Key::new("首页", "Home");
    pub const NavWorker: Key = Key::new("网格员", "Grid worker");
    pub const NavStation: Key = Key::new("驿站", "Station");
    pub const NavStaff: Key = Key::new("工作台", "Staff");
    pub const ResidentTitle: Key = Key::new("群众诉求", "File a complaint");
    pub const ResidentIntro: Key = Key::new(
        "拍照、说话或写几句，一分钟提交诉求；凭查询码随时查看办理进度。",
        "A photo, a voice note or a few words: file in a minute, then follow it with your tracking code.",
    );
    pub const ResidentCategories: Key = Key::new("常见诉求类别", "Common kinds of complaint");
    pub const WorkerTitle: Key = Key::new("网格巡查", "Grid patrol");
    pub const WorkerIntro: Key = Key::new(
        "巡格时离线记录发现的问题，能就地解决的就地解决，解决不了的上报。",
        "Log findings offline while you patrol: solve small ones on the spot, report the rest upward.",
    );
    pub const StationTitle: Key = Key::new("驿站代办", "Station filing");
    pub const StationIntro: Key = Key::new(
        "为来驿站的群众（多为老年人）帮办代办诉求。",
        "File complaints on behalf of residents who walk in, mostly the elderly.",
    );
    pub const StaffTitle: Key = Key::new("工作台", "Staff desk");
    pub const StaffIntro: Key = Key::new(
        "派单、接单、办理、督办。请使用工作人员账号登录。",
        "Dispatch, accept, handle, supervise. Sign in with your staff account.",
    );
    pub const Username: Key = Key::new("用户名", "Username");
    pub const Password: Key = Key::new("密码", "Password");
    pub const SignIn: Key = Key::new("登录", "Sign in");
    pub const SigningIn: Key = Key::new("正在登录…", "Signing in…");
    pub const SignOut: Key = Key::new("退出登录", "Sign out");
    pub const SignedInAs: Key = Key::new("当前登录：", "Signed in as ");
    pub const Loading: Key = Key::new("加载中…", "Loading…");
    pub const NotFoundTitle: Key = Key::new("页面不存在", "Page not found");
    pub const Photos: Key = Key::new("照片", "Photos");
    pub const Photo: Key = Key::new("照片", "Photo");
    pub const NavTrack: Key = Key::new("查进度", "Track");
    pub const NavTickets: Key = Key::new("工单", "Tickets");
    pub const TrackTitle: Key = Key::new("查询办理进度", "Follow a complaint");
    pub const TrackIntro: Key = Key::new(
        "输入查询码和联系电话后四位，查看每一步办理情况。",
        "Enter the tracking code and the last four digits of your phone to see every step.",
    );
    pub const TrackingCode: Key = Key::new("查询码", "Tracking code");
    pub const PhoneSuffix: Key = Key::new("联系电话后四位", "Last 4 digits of your phone");
    pub const TrackLookup: Key = Key::new("查询", "Look up");
    pub const StaffEntry: Key = Key::new("工作人员入口", "Staff sign-in");
    pub const ConsoleTitle: Key = Key::new("工单台", "Ticket console");
    pub const ConsoleIntro: Key = Key::new(
        "本单位待办、派单、超期督办。",
        "Your unit's queue, dispatching, the overdue board.",
    );
    pub const QueueUnit: Key = Key::new("本单位待办", "My unit's queue");
    pub const QueueDispatch: Key = Key::new("待派单", "To dispatch");
    pub const QueueOverdue: Key = Key::new("超期督办", "Overdue board");
    pub const QueueEmpty: Key = Key::new("暂无工单。", "No tickets.");
    pub const Refresh: Key = Key::new("刷新", "Refresh");
    pub const NotRouted: Key = Key::new("未派单", "Not dispatched");
    pub const HandlingDue: Key = Key::new("办理时限", "Due");
    pub const ResponseDue: Key = Key::new("响应时限", "Response due");
    pub const ReturnPending: Key = Key::new("退单申请待审", "Return request pending");
    pub const Overdue: Key = Key::new("已超期", "Overdue");
    pub const Internal: Key = Key::new("内部", "Internal");
    pub const TimelineTitle: Key = Key::new("办理过程", "Timeline");
    pub const StatusReceived: Key = Key::new("已受理", "Received");
    pub const StatusDispatched: Key = Key::new("已派单", "Dispatched");
    pub const StatusAccepted: Key = Key::new("已签收", "Accepted");
    pub const StatusInProgress: Key = Key::new("办理中", "In progress");
    pub const StatusDone: Key = Key::new("已办结", "Done");
    pub const StatusClosed: Key = Key::new("已关闭", "Closed");
    pub const EventReceived: Key = Key::new("诉求已受理", "Complaint received");
    pub const EventQueued: Key = Key::new("转人工派单", "Sent to the dispatchers");
    pub const EventDispatched: Key = Key::new("派单至承办单位", "Dispatched to the handling unit");
    pub const EventRedispatched: Key = Key::new("改派", "Re-dispatched");
    pub const EventAccepted: Key = Key::new("承办单位已签收", "Accepted by the handling unit");
    pub const EventProgress: Key = Key::new("办理进展", "Progress");
    pub const EventResolved: Key = Key::new("已办结并答复", "Resolved, with a reply");
    pub const EventReturnRequested: Key = Key::new("申请退单", "Return requested");
    pub const EventReturnApproved: Key = Key::new("退单获批", "Return approved");
    pub const EventReturnRejected: Key = Key::new("退单被驳回", "Return rejected");
    pub const EventRated: Key = Key::new("群众评价", "Rated by the resident");
    pub const EventClosed: Key = Key::new("已关闭", "Closed");
    pub const EventReopened: Key = Key::new("重新办理", "Reopened");
    pub const EventSupervised: Key = Key::new("督办", "Under supervision");
    pub const EventCoUnitAdded: Key = Key::new("增加协办单位", "Co-handling unit added");
    pub const EventTierChanged: Key = Key::new("调整办理时限", "Handling tier changed");
    pub const EventDeadlineWarning: Key = Key::new("临期预警", "Deadline warning");
    pub const EventResponseOverdue: Key = Key::new("超时未签收", "Not accepted in time");
    pub const EventOverdue: Key = Key::new("办理超期", "Past the deadline");
    pub const TicketTitle: Key = Key::new("工单详情", "Ticket");
    pub const Matter: Key = Key::new("诉求类别", "Matter");
    pub const Address: Key = Key::new("地址", "Address");
    pub const Description: Key = Key::new("诉求内容", "Description");
    pub const LeadUnit: Key = Key::new("承办单位", "Handling unit");
    pub const CoUnits: Key = Key::new("协办单位", "Co-handling units");
    pub const Tier: Key = Key::new("办理时限（工作日）", "Handling tier (working days)");
    pub const WorkingDays: Key = Key::new("个工作日", "working days");
    pub const Contact: Key = Key::new("联系人", "Contact");
    pub const ActDispatch: Key = Key::new("派单", "Dispatch");
    pub const ActRedispatch: Key = Key::new("改派", "Re-dispatch");
    pub const ActAccept: Key = Key::new("签收", "Accept");
    pub const ActProgress: Key = Key::new("更新进展", "Add progress");
    pub const ActResolve: Key = Key::new("办结答复", "Resolve");
    pub const ActRequestReturn: Key = Key::new("申请退单", "Request return");
    pub const ActApproveReturn: Key = Key::new("同意退单并改派", "Approve return");
    pub const ActRejectReturn: Key = Key::new("驳回退单", "Reject return");
    pub const ActRate: Key = Key::new("评价", "Rate");
    pub const ActClose: Key = Key::new("关闭", "Close");
    pub const ActReopen: Key = Key::new("重新办理", "Reopen");
    pub const ActSupervise: Key = Key::new("督办", "Supervise");
    pub const PublicReply: Key = Key::new("答复群众", "Public reply");
    pub const Reason: Key = Key::new("理由", "Reason");
    pub const Note: Key = Key::new("说明", "Note");
    pub const ActionsTitle: Key = Key::new("办理", "Actions");
    pub const Unit: Key = Key::new("单位", "Unit");
    pub const ChooseUnit: Key = Key::new("请选择单位", "Choose a unit");
    pub const PublicNote: Key = Key::new("群众可见", "Visible to the resident");
    pub const Confirm: Key = Key::new("确认", "Confirm");
    pub const DispatcherTools: Key = Key::new("派单员操作", "Dispatcher tools");
    pub const AddCoUnit: Key = Key::new("增加协办单位", "Add co-handling unit");
    pub const ChangeTier: Key = Key::new("调整时限", "Change tier");
    pub const UpdateReady: Key = Key::new("新版本已就绪。", "A new version is ready.");
    pub const UpdateNow: Key = Key::new("立即更新", "Update now");
    pub const ErrNetwork: Key = Key::new(
        "网络不可用，请检查网络后重试。",
        "No network. Check your connection and try again.",
    );
    pub const ErrBadRequest: Key = Key::new(
        "请求无法识别，请刷新页面后重试。",
        "The request was not understood. Reload the page and try again.",
    );
    pub const ErrValidation: Key = Key::new("请检查以下内容：", "Please check the following:");
    pub const ErrSignIn: Key = Key::new("请先登录。", "Please sign in first.");
    pub const ErrCredentials: Key = Key::new("用户名或密码不正确。", "Wrong username or password.");
    pub const ErrForbidden: Key =
        Key::new("您没有权限进行此操作。", "You are not allowed to do this.");
    pub const ErrNotFound: Key = Key::new("没有找到相关内容。", "Nothing was found.");
    pub const ErrTooLarge: Key = Key::new(
        "内容过大，请缩小后重试。",
        "That is too large. Make it smaller and try again.",
    );
    pub const ErrUnsupported: Key = Key::new("不支持的内容格式。", "That format is not supported.");
    pub const ErrRateLimited: Key = Key::new(
        "尝试次数过多，请稍后再试。",
        "Too many attempts. Please wait and try again.",
    );
    pub const ErrConflict: Key = Key::new(
        "内容已存在或已被修改。",
        "This already exists or was changed meanwhile.",
    );
    pub const ErrServer: Key = Key::new(
        "服务器出错了，请稍后再试。",
        "The server failed. Please try again later.",
    );
    pub const ErrUnavailable: Key = Key::new(
        "服务暂时不可用，请稍后再试。",
        "The service is unavailable for now. Please try again later.",
    );
    pub const ErrReference: Key = Key::new("问题编号", "Reference");
    /// Between a field's name and what is wrong with it.
    pub const FieldSeparator: Key = Key::new("：", ": ");
    pub const IssueRequired: Key = Key::new("必填", "required");
    pub const IssueTooShort: Key = Key::new("太短", "too short");
    pub const IssueTooLong: Key = Key::new("太长", "too long");
    pub const IssueInvalid: Key = Key::new("格式不正确", "invalid");
    pub const StorageUsed: Key = Key::new("本机已用", "Used on this device");
    pub const StoragePersisted: Key = Key::new("（已设为持久保存）", "(kept persistently)");
    pub const StorageNotPersisted: Key = Key::new(
        "（浏览器可能在空间不足时清理）",
        "(the browser may clear it when space runs low)",
    );
    pub const WaitingToSync: Key = Key::new("待同步：", "Waiting to sync:");
    pub const SyncOffline: Key = Key::new(
        "无网络，恢复后自动同步。",
        "No network: it syncs by itself when the network returns.",
    );
    pub const SyncSignIn: Key = Key::new(
        "登录已失效，请重新登录后继续同步；本机记录不会丢失。",
        "Your sign-in has ended: sign in again to go on syncing. Nothing on this device is lost.",
    );
    pub const SyncFailed: Key = Key::new(
        "同步失败，稍后自动重试。",
        "Sync failed; it tries again shortly.",
    );
    pub const Syncing: Key = Key::new("正在同步…", "Syncing…");
    pub const SyncNow: Key = Key::new("立即同步", "Sync now");
    pub const Grid: Key = Key::new("网格", "Grid");
    pub const ChooseGrid: Key = Key::new("请选择网格", "Choose a grid");
    pub const PatrolTitle: Key = Key::new("巡查", "Patrol");
    pub const PatrolOpen: Key = Key::new("正在巡查：", "On patrol:");
    pub const Positions: Key = Key::new("个位置点", "positions");
    pub const EndPatrol: Key = Key::new("结束巡查", "End patrol");
    pub const StartPatrol: Key = Key::new("开始巡查", "Start patrol");
    pub const NewFinding: Key = Key::new("记录发现的问题", "Log a finding");
    pub const Verifying: Key = Key::new("回访工单", "Verifying ticket");
    pub const ChooseMatter: Key = Key::new("请选择问题类别", "Choose the kind of matter");
    pub const SolvedOnSpot: Key = Key::new("就地解决", "Solved on the spot");
    pub const ReportUpward: Key = Key::new("上报", "Report upward");
    pub const FindingIncomplete: Key = Key::new(
        "请选择网格和问题类别。",
        "Choose the grid and the kind of matter.",
    );
    pub const FindingSaved: Key = Key::new(
        "已保存到本机，将自动同步。",
        "Saved on this device; it syncs by itself.",
    );
    pub const PhotoUnreadable: Key = Key::new(
        "照片无法读取，请重新选择。",
        "A photo could not be read; choose it again.",
    );
    pub const SaveFailed: Key = Key::new("无法保存到本机存储。", "Could not save on this device.");
    pub const Saving: Key = Key::new("正在保存…", "Saving…");
    pub const SaveFinding: Key = Key::new("保存", "Save");
    pub const OpenTicketsInGrids: Key = Key::new("我的网格内未结工单", "Open tickets in my grids");
    pub const Verify: Key = Key::new("回访", "Verify");
    pub const StateSynced: Key = Key::new("已同步", "Synced");
    pub const StateRejected: Key = Key::new("被退回", "Refused");
    pub const StateSending: Key = Key::new("正在发送", "Sending");
    pub const StateWaiting: Key = Key::new("等待网络", "Waiting for network");
    pub const MyRecords: Key = Key::new("我的记录", "My records");
    pub const VoiceNote: Key = Key::new("语音留言", "Voice note");
    pub const VoiceUnavailable: Key = Key::new(
        "此浏览器不能录音；不录音也可以保存。",
        "This browser cannot record; you can save without a voice note.",
    );
    pub const Record: Key = Key::new("录音", "Record");
    pub const StopRecording: Key = Key::new("停止", "Stop");
    pub const RecordAgain: Key = Key::new("重录", "Record again");
    pub const Delete: Key = Key::new("删除", "Delete");
    pub const Edit: Key = Key::new("修改", "Edit");
    pub const SaveChanges: Key = Key::new("保存修改", "Save changes");
}
