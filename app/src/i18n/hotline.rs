//! The hotline console's texts (热线坐席), in zh-CN and English side by side.

use super::Key;

#[allow(non_upper_case_globals)]
impl Key {
    pub const NavHotline: Key = Key::new("热线", "Hotline");
    pub const HotlineTitle: Key = Key::new("热线坐席", "Hotline seat");
    pub const HotlineIntro: Key = Key::new(
        "来电自动弹屏：查历史诉求和知识库，当场解答记为咨询，或一屏登记工单。",
        "Calls pop up by themselves: look up earlier tickets and the knowledge base, answer as an enquiry, or file a ticket on one screen.",
    );
    pub const WaitingForCall: Key = Key::new(
        "等待来电…也可以输入来电号码后接听。",
        "Waiting for a call… or type the caller's number and take it.",
    );
    pub const CallerNumber: Key = Key::new("来电号码", "Caller's number");
    pub const TakeCall: Key = Key::new("接听", "Take the call");
    pub const CallFrom: Key = Key::new("来电", "Call from");
    pub const EndCall: Key = Key::new("结束本次来电", "End this call");
    pub const CallerHistory: Key = Key::new("该号码的历史诉求", "This number's earlier tickets");
    pub const CallerNoHistory: Key = Key::new(
        "该号码没有历史诉求。",
        "No earlier tickets from this number.",
    );
    pub const KnowledgeSearch: Key = Key::new("查知识库", "Search the knowledge base");
    pub const KnowledgeNone: Key = Key::new(
        "知识库中没有找到相关解答。",
        "No answer found in the knowledge base.",
    );
    pub const AnsweredEnquiry: Key = Key::new("已解答，记为咨询", "Answered: record as an enquiry");
    pub const EnquiryRecorded: Key = Key::new(
        "已记为咨询（当场解答，不派单）。",
        "Recorded as an enquiry (answered on the call, no ticket).",
    );
    pub const FileFromCall: Key = Key::new("登记工单", "File a ticket");
    pub const CallerWords: Key = Key::new("来电内容", "What the caller says");
    pub const CallerName: Key = Key::new("来电人姓名", "Caller's name");
    pub const CallerPhone: Key = Key::new("联系电话", "Phone");
    pub const CallIncomplete: Key = Key::new(
        "请写下来电内容、选择问题类别，并给出网格或地址。",
        "Write what the caller says, choose a kind, and give a grid or an address.",
    );
    pub const EnterpriseCall: Key = Key::new(
        "企业诉求（发展类，需企业名称和统一社会信用代码）",
        "An enterprise's request (development: its name and credit code)",
    );
    pub const CtrlEnter: Key = Key::new("Ctrl+Enter 登记", "Ctrl+Enter files it");
    pub const FiledFromCall: Key = Key::new(
        "已登记。请告知来电人查询码；留有手机号的，查询码同时以短信发送。",
        "Filed. Tell the caller the tracking code; a mobile number left also gets it by text.",
    );
}

// Keeping the knowledge base (解答知识库).
#[allow(non_upper_case_globals)]
impl Key {
    pub const KnowledgeTitle: Key = Key::new("解答知识库", "Knowledge base");
    pub const KnowledgeIntro: Key = Key::new(
        "热线和居民看到的标准答复：平台维护全部条目，承办单位维护本单位的条目。",
        "The standard answers the hotline and residents see: the platform keeps every entry, a unit keeps its own.",
    );
    pub const NavKnowledge: Key = Key::new("知识库", "Knowledge");
    pub const KnowledgeEmpty: Key =
        Key::new("知识库中还没有解答。", "The knowledge base is empty.");
    pub const NewAnswer: Key = Key::new("新增解答", "New answer");
    pub const Question: Key = Key::new("问题", "Question");
    pub const StandardAnswer: Key = Key::new("标准答复", "Standard answer");
    pub const AnswerMatters: Key = Key::new(
        "适用事项类型编码（多个用逗号分隔）",
        "Matter type codes it answers for (separated by commas)",
    );
    pub const ValidFrom: Key = Key::new("有效期起", "Valid from");
    pub const ValidTo: Key = Key::new("有效期止", "Valid to");
    pub const OwnerUnit: Key = Key::new("维护单位", "Kept by");
    pub const Platform: Key = Key::new("平台（12345）", "The platform (12345)");
    pub const SaveAnswer: Key = Key::new("保存", "Save");
    pub const CancelEdit: Key = Key::new("取消", "Cancel");
    pub const ConfirmDelete: Key = Key::new("确认删除", "Delete it");
    pub const ShowAll: Key = Key::new("全部", "All");
}
