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
    pub const LargeText: Key = Key::new("大字", "Large text");
    pub const MapHint: Key = Key::new(
        "在网格范围内点一下，标出问题所在位置。",
        "Tap inside the grid to mark where the problem is.",
    );
    pub const MapOutside: Key = Key::new(
        "这里在网格范围以外，请在网格内点选。",
        "That is outside the grid: tap inside it.",
    );
    pub const NavHome: Key = Key::new("首页", "Home");
    pub const NavWorker: Key = Key::new("网格员", "Grid worker");
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
    pub const TicketChanged: Key = Key::new(
        "此工单刚有新的变化，请刷新后再操作。",
        "This ticket has just changed: refresh it before you act on it.",
    );
    pub const PagePrevious: Key = Key::new("上一页", "Previous page");
    pub const PageNext: Key = Key::new("下一页", "Next page");
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
    pub const StatusMerged: Key = Key::new("已合并办理", "Merged");
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
    pub const EventCheckpoint: Key = Key::new("督办节点：有进展", "Checkpoint: progressing");
    pub const EventCheckpointStalled: Key = Key::new(
        "督办节点：无进展，已提醒",
        "Checkpoint: no progress, unit reminded",
    );
    pub const EventRatingRequested: Key = Key::new("短信邀请评价", "Asked by text to rate");
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
    pub const VideoClip: Key = Key::new(
        "视频（30 秒以内，选填）",
        "Video clip (up to 30 s, optional)",
    );
    pub const RecordClip: Key = Key::new("录像", "Record video");
    pub const PickClip: Key = Key::new("选择视频", "Choose a video");
    pub const ClipWorking: Key =
        Key::new("正在处理视频，请稍候…", "Preparing the video, one moment…");
    pub const ClipTooLong: Key = Key::new(
        "视频不能超过 30 秒，请剪短后再选，或直接录像。",
        "A video can be at most 30 seconds: trim it first, or record one here.",
    );
    pub const ClipTooLarge: Key = Key::new(
        "视频太大，无法上传；请直接录像，或选一段更短的。",
        "This video is too large to send: record one here, or choose a shorter one.",
    );
    pub const ClipUnreadable: Key = Key::new(
        "无法识别这个视频，请选择 MP4、MOV 或 WebM 格式的视频。",
        "This video cannot be read: choose an MP4, MOV or WebM video.",
    );
    pub const CameraUnavailable: Key = Key::new(
        "无法使用摄像头；可以选择手机里已有的视频。",
        "The camera cannot be used here; you can choose a video from the phone.",
    );
    pub const StopRecording: Key = Key::new("停止", "Stop");
    pub const RecordAgain: Key = Key::new("重录", "Record again");
    pub const Delete: Key = Key::new("删除", "Delete");
    pub const Edit: Key = Key::new("修改", "Edit");
    pub const SaveChanges: Key = Key::new("保存修改", "Save changes");
    pub const NavFile: Key = Key::new("我要投诉", "File");
    pub const NavMine: Key = Key::new("我的投诉", "Mine");
    pub const FileIntro: Key = Key::new(
        "先拍照或先写都可以；没有网络也能提交，恢复后自动发送。",
        "Start with a photo or with words; without a network it is kept and sent by itself later.",
    );
    pub const MatterSearch: Key = Key::new(
        "搜索问题类别，如“路灯”",
        "Search kinds, e.g. “street light”",
    );
    pub const NoMatterFound: Key = Key::new(
        "没有找到，换个说法试试。",
        "Nothing found; try other words.",
    );
    pub const ChangeMatter: Key = Key::new("重新选择", "Change");
    pub const DescriptionHint: Key = Key::new(
        "请描述问题：什么情况、持续多久",
        "What is wrong, and since when",
    );
    pub const Location: Key = Key::new("位置", "Location");
    pub const UseMyPosition: Key = Key::new("使用当前位置", "Use my position");
    pub const Locating: Key = Key::new("正在定位…", "Locating…");
    pub const AccurateTo: Key = Key::new("已定位，精度约", "Located, accurate to about");
    pub const Metres: Key = Key::new("米", "m");
    pub const NearbyTitle: Key = Key::new("附近已有同类诉求", "Reports like this nearby");
    pub const NearbyIntro: Key = Key::new(
        "如果是同一个问题，可以关注已有的诉求，不用重复办理；它的进展会同样告诉您。",
        "If it is the same problem, follow the report already being handled instead; you are told of its progress just the same.",
    );
    pub const MaybeMatter: Key = Key::new("您说的可能是：", "This may be:");
    pub const AnswersTitle: Key = Key::new("这些解答也许能帮到您", "These answers may help");
    pub const AnswersIntro: Key = Key::new(
        "如果其中已有您要的答案，就不必再提交了。",
        "If one of them answers it, there is no need to file.",
    );
    /// Around a distance: "50 米以内" / "within 50 m".
    pub const WithinBefore: Key = Key::new("", "within");
    pub const WithinAfter: Key = Key::new("米以内", "m");
    pub const Today: Key = Key::new("今天", "today");
    pub const DaysAgo: Key = Key::new("天前", "days ago");
    pub const Followers: Key = Key::new("人已关注", "following");
    pub const FollowThis: Key = Key::new("关注这条", "Follow this one");
    pub const Unfollow: Key = Key::new("取消关注", "Don't follow");
    pub const Following: Key = Key::new(
        "已选择关注：提交后与这条诉求一并办理。",
        "Following: your complaint is filed with this report.",
    );
    pub const PositionUnavailable: Key = Key::new(
        "无法定位，请选择社区和网格或填写地址。",
        "Could not find your position: choose the community and grid, or write the address.",
    );
    pub const Community: Key = Key::new("社区", "Community");
    pub const ChooseCommunity: Key = Key::new("请选择社区", "Choose a community");
    pub const AddressHint: Key = Key::new(
        "详细地址，如 青松路 12 号",
        "Address, e.g. 12 Qingsong Road",
    );
    pub const TakePhoto: Key = Key::new("拍照", "Take a photo");
    pub const ChoosePhotos: Key = Key::new("从相册选择", "From the gallery");
    pub const PhotosLimit: Key = Key::new("最多 9 张", "up to 9");
    pub const ContactPhone: Key = Key::new("联系电话（选填）", "Phone (optional)");
    pub const AnonymousNote: Key = Key::new(
        "不留电话也可以提交，查询码和本机是查询进度的凭证。",
        "You may file without a phone: then the tracking code and this device are your key.",
    );
    pub const Consent: Key = Key::new(
        "我确认以上内容属实，同意将诉求及照片、语音交承办单位处理。",
        "This is true, and the units that handle it may receive my complaint, photos and voice note.",
    );
    pub const Submit: Key = Key::new("提交", "Submit");
    pub const FileIncomplete: Key = Key::new(
        "请选择问题类别、写下问题、给出位置（定位、网格或地址），并勾选同意。",
        "Choose a kind, describe the problem, give a location (position, grid or address) and tick the consent.",
    );
    pub const DraftRestored: Key = Key::new(
        "已恢复上次未提交的内容。",
        "Your unfinished complaint is back.",
    );
    pub const ClearDraft: Key = Key::new("清空重填", "Start again");
    pub const StateSent: Key = Key::new("已提交", "Sent");
    pub const MineEmpty: Key = Key::new(
        "本机还没有提交过投诉。",
        "Nothing filed from this device yet.",
    );
    pub const TrackingCodeHint: Key = Key::new(
        "请记下查询码：凭它和电话后四位可查询进度，扫描二维码也可打开。",
        "Keep the tracking code: with your phone's last four digits it shows the progress; the QR code opens it too.",
    );
    pub const TrackingQr: Key = Key::new("查询二维码", "Tracking QR code");
    pub const ComplaintSaved: Key = Key::new(
        "已保存在本机，有网络时自动提交。",
        "Saved on this device; it is sent by itself when there is a network.",
    );
    pub const SendNow: Key = Key::new("立即发送", "Send now");
    pub const RateTitle: Key = Key::new("评价办理结果", "Rate the result");
    pub const Satisfied: Key = Key::new("满意", "Satisfied");
    pub const BasicallySatisfied: Key = Key::new("基本满意", "Basically satisfied");
    pub const Dissatisfied: Key = Key::new("不满意", "Dissatisfied");
    pub const RateComment: Key = Key::new("意见（选填）", "Comment (optional)");
    pub const RateRule: Key = Key::new(
        "选择“不满意”将退回重新办理一次；再次不满意由督办人员复核。",
        "“Dissatisfied” sends it back to be handled again once; a second time a supervisor reviews it.",
    );
    pub const YourRating: Key = Key::new("您的评价：", "Your rating: ");
    pub const ReviewPending: Key = Key::new("待督办复核", "Awaiting a supervisor's review");
    pub const EventRatedReopened: Key =
        Key::new("群众不满意，重新办理", "Dissatisfied: handled again");
    pub const EventRatedReview: Key = Key::new(
        "群众再次不满意，转督办复核",
        "Dissatisfied again: to a supervisor",
    );
    pub const QueueReview: Key = Key::new("不满意复核", "Dissatisfied reviews");
    pub const Complexity: Key = Key::new("督办节点数（复杂程度）", "Checkpoints (complexity)");
    pub const ComplexityOfMatter: Key = Key::new("按事项默认", "The matter type's");
    pub const ConsultTitle: Key = Key::new("会商", "Consultation");
    pub const ConsultOpened: Key = Key::new("发起于", "opened");
    pub const ConsultNoView: Key = Key::new("尚未发表意见", "no view yet");
    pub const ConsultYourView: Key = Key::new("本单位意见", "Your unit's view");
    pub const ConsultState: Key = Key::new("提交意见", "State the view");
    pub const ConsultDecideFor: Key = Key::new("决定承办单位", "Responsible unit");
    pub const ConsultDecide: Key = Key::new("作出决定", "Decide");
    pub const ConsultInvite: Key = Key::new("邀请单位", "Invite a unit");
    pub const ConsultWhat: Key = Key::new("争议事项", "What is disputed");
    pub const ConsultOpen: Key = Key::new("发起会商", "Open a consultation");
    pub const ConsultBoard: Key = Key::new("会商：待决定", "Consultations open");
    pub const TopicsTitle: Key = Key::new("每月一题", "Monthly topic");
    pub const TopicSuggested: Key = Key::new("建议选题（近90天）", "Suggested (last 90 days)");
    pub const TopicRising: Key = Key::new("上升较快", "Rising");
    pub const TopicReceived: Key = Key::new("近90天受理", "Received, 90 days");
    pub const TopicUnresolved: Key = Key::new("未解决", "Unresolved");
    pub const TopicRepeated: Key = Key::new("重复诉求", "Reported again");
    pub const TopicPick: Key = Key::new("立为本月专题", "Make it this month's topic");
    pub const TopicNew: Key = Key::new("新建专题", "New topic");
    pub const TopicName: Key = Key::new("专题名称", "Title");
    pub const TopicLead: Key = Key::new("牵头单位", "Lead unit");
    pub const TopicWith: Key = Key::new("配合单位", "Working with");
    pub const TopicOpen: Key = Key::new("确定立题", "Open the topic");
    pub const TopicClosed: Key = Key::new("已结题", "Closed");
    pub const TopicResolved: Key = Key::new("已解决", "Resolved");
    pub const TopicCommunities: Key = Key::new("涉及社区", "Communities");
    pub const TopicHouseholds: Key = Key::new("惠及户数", "Households reached");
    pub const TopicLookBack: Key = Key::new(
        "回头看（前90天 → 结题后90天）",
        "Look back (90 days before → 90 days after)",
    );
    pub const TopicMeasures: Key = Key::new("工作措施", "Measures");
    pub const TopicMeasure: Key = Key::new("措施", "Measure");
    pub const TopicAddMeasure: Key = Key::new("记录措施", "Log the measure");
    pub const TopicClose: Key = Key::new("结题", "Close the topic");
    pub const QueueStalled: Key = Key::new("督办：无进展", "Stalled at a checkpoint");
    pub const AdvanceBoard: Key = Key::new(
        "未诉先办：去年同期诉求上升的周",
        "Act before complaints: weeks that rose last year",
    );
    pub const AdvanceWeekOf: Key = Key::new("当周周一", "Week of");
    pub const AdvanceLastYear: Key = Key::new("去年同期", "Same week last year");
    pub const AdvanceThisYear: Key = Key::new("今年本周", "This year");
    pub const AdvanceWhere: Key = Key::new("集中网格", "Where");
    pub const AdvanceMeasures: Key = Key::new("预防措施", "Preventive measures");
    pub const AdvanceMeasuresBefore: Key = Key::new("去年同期措施", "Measures a year before");
    pub const AdvanceMeasure: Key = Key::new("登记预防措施", "Log a preventive measure");
    pub const AdvanceLog: Key = Key::new("登记", "Log");
    pub const ErrDeviceRevoked: Key = Key::new(
        "此平板未登记或已被停用，不能再提交诉求。请联系管理员重新登记。",
        "This tablet is not enrolled or was revoked: it can no longer file. Ask an admin to enroll it again.",
    );
    pub const StationEnrollTitle: Key = Key::new("登记本平板", "Enroll this tablet");
    pub const StationEnrollIntro: Key = Key::new(
        "请输入管理员发放的一次性登记码（24 小时内有效）。登记后，本平板打开即进入驿站代办。",
        "Enter the one-time code an admin issued (valid for 24 hours). Once enrolled, this tablet opens straight into station filing.",
    );
    pub const EnrollCode: Key = Key::new("登记码", "Enrollment code");
    pub const DeviceLabel: Key =
        Key::new("平板名称（如：1 号窗口）", "Tablet name (e.g. counter 1)");
    pub const Enroll: Key = Key::new("登记", "Enroll");
    pub const ReEnroll: Key = Key::new("重新登记", "Enroll again");
    pub const StationSignIn: Key = Key::new(
        "请驿站工作人员登录后开始接待。",
        "Station staff: sign in to start serving residents.",
    );
    pub const NextResident: Key = Key::new("接待新居民", "Serve a resident");
    pub const StationSessionEnded: Key = Key::new(
        "上一位居民的信息已全部清除。",
        "Everything of the last resident has been cleared.",
    );
    pub const StationToday: Key = Key::new("今日代办", "Today's filings");
    pub const StationTodayEmpty: Key = Key::new("今天还没有代办的诉求。", "No filings yet today.");
    pub const StationTodayOffline: Key = Key::new(
        "离线中，联网后显示今日代办。",
        "Offline: today's filings show when the network returns.",
    );
    pub const StationQueued: Key =
        Key::new("件诉求等待联网提交", "filing(s) waiting for the network");
    pub const StationVoiceFirst: Key = Key::new(
        "居民可以直接说：先录一段语音，再补充信息。",
        "Residents may just speak: record a voice note first, then fill in the rest.",
    );
    pub const ResidentName: Key = Key::new("居民姓名", "Resident's name");
    pub const ResidentPhone: Key = Key::new("居民联系电话", "Resident's phone");
    pub const TextsConsent: Key = Key::new(
        "办结后短信告知我答复，并邀请我评价",
        "Text me the answer when it is done, and ask me to rate it",
    );
    pub const ConsentHow: Key = Key::new("居民同意代办的方式", "How the resident agreed");
    pub const ConsentSpoken: Key = Key::new("口头同意", "Said so");
    pub const ConsentWritten: Key = Key::new("书面签字", "Signed a form");
    pub const StationIncomplete: Key = Key::new(
        "请填写居民姓名和电话、诉求类别、描述和地点，并选择居民同意的方式。",
        "Fill in the resident's name and phone, the kind, a description and the place, and how the resident agreed.",
    );
    pub const StationCodeFor: Key = Key::new(
        "已受理。请居民拍下查询码或二维码：",
        "Received. Let the resident photograph the tracking code or the QR code:",
    );
    pub const StationSavedSealed: Key = Key::new(
        "已加密保存在本平板，联网后自动提交；查询码届时显示在今日代办中。",
        "Sealed and kept on this tablet; it is sent when the network returns, and its tracking code then shows in today's filings.",
    );
    pub const FinishNext: Key = Key::new("完成，接待下一位", "Done: next resident");
    pub const DiscardSession: Key = Key::new("结束接待并清除", "End and clear");
    pub const StationTexted: Key = Key::new(
        "查询码也已通过短信发送到居民的手机。",
        "The tracking code also goes to the resident's phone by text message.",
    );
    pub const NotifyOn: Key = Key::new("开启进度通知", "Notify me of progress");
    pub const NotifyWorking: Key = Key::new("正在开启通知…", "Turning notifications on…");
    pub const NotifyEnabled: Key = Key::new(
        "已开启进度通知：办理有进展时，手机会收到通知。",
        "Notifications on: your phone will tell you of each step.",
    );
    pub const NotifyDenied: Key = Key::new(
        "通知已被浏览器阻止，可在浏览器设置中允许本网站通知。",
        "Notifications are blocked: allow them for this site in the browser's settings.",
    );
    pub const NotifyFailed: Key = Key::new(
        "未能开启通知，请稍后再试。",
        "Notifications could not be turned on; try again later.",
    );
    pub const StaffNotifyOn: Key = Key::new("开启工单通知", "Notify me of my queue");
    pub const StaffNotifyEnabled: Key = Key::new(
        "已开启工单通知：新工单、临期和超期会通知您。",
        "Queue notifications on: new tickets, near and past deadlines.",
    );
    pub const NavStats: Key = Key::new("统计", "Statistics");
    pub const StatsTitle: Key = Key::new("考核排名", "Unit ranking");
    pub const StatsIntro: Key = Key::new(
        "各承办单位本月的响应率、按期办结率、解决率和满意率，及近12个月走势；点任一数字查看背后的工单。",
        "Each unit's response, on-time, resolution and satisfaction rates this month, with the last 12 months; tap any number for the tickets behind it.",
    );
    pub const StatsMonth: Key = Key::new("月份", "Month");
    pub const StatsRankBy: Key = Key::new("排名依据", "Rank by");
    pub const StatsRank: Key = Key::new("名次", "Rank");
    pub const StatsUnit: Key = Key::new("承办单位", "Unit");
    pub const StatsTickets: Key = Key::new("工单", "Tickets");
    pub const StatsResponse: Key = Key::new("响应率", "Response rate");
    pub const StatsOnTime: Key = Key::new("按期办结率", "On-time rate");
    pub const StatsResolution: Key = Key::new("解决率", "Resolution rate");
    pub const StatsSatisfaction: Key = Key::new("满意率", "Satisfaction rate");
    pub const StatsReturnsApproved: Key = Key::new("退单", "Returns approved");
    pub const StatsReturnsRejected: Key = Key::new("退单被驳回", "Returns rejected");
    pub const StatsReopens: Key = Key::new("重办", "Reopenings");
    pub const StatsTrend: Key = Key::new("近12个月", "Last 12 months");
    pub const StatsTotal: Key = Key::new("合计", "Total");
    pub const StatsNone: Key = Key::new(
        "本期没有计入考核的工单。",
        "No ticket counts in this period.",
    );
    pub const StatsHow: Key = Key::new("计算方法", "How the figures are counted");
    pub const StatsFormulas: Key = Key::new(
        "工单按办理时限所在的期间计入。响应率 = 时限内接单 ÷（已接单 + 超过响应时限未接单）。按期办结率 = 时限内办结 ÷（已办结 + 超期未办结）。解决率 = 已办结 ÷（已办结 + 超期未办结）。满意率 =（满意 + 基本满意）÷ 已评价。尚未到期的工单暂不计入；分母为零显示“—”。退单按申请单位、审核时间计入：批准的计为“退单”，驳回的计为“退单被驳回”。",
        "A ticket counts in the period of its handling deadline. Response rate = accepted within the response time ÷ (accepted + response time passed without acceptance). On-time rate = resolved by the deadline ÷ (resolved + open past the deadline). Resolution rate = resolved ÷ (resolved + open past the deadline). Satisfaction rate = (satisfied + basically satisfied) ÷ rated. Tickets not yet due are not counted yet; an empty denominator shows \"—\". A return request counts for the unit that asked, when it was decided: approved as a return, rejected apart.",
    );
    pub const DrillTitle: Key = Key::new("计入的工单", "Tickets counted");
    pub const DrillCount: Key = Key::new("件", "tickets");
    pub const DrillTruncated: Key = Key::new("仅显示前1000件。", "Only the first 1,000 are shown.");
    pub const DrillClose: Key = Key::new("关闭", "Close");
    pub const OutRespondedInTime: Key = Key::new("按时接单", "Accepted in time");
    pub const OutRespondedLate: Key = Key::new("超时接单", "Accepted late");
    pub const OutNotResponded: Key = Key::new("超时未接单", "Not accepted in time");
    pub const OutResolvedOnTime: Key = Key::new("按期办结", "Resolved on time");
    pub const OutResolvedLate: Key = Key::new("超期办结", "Resolved late");
    pub const OutOpenOverdue: Key = Key::new("超期未办结", "Open past the deadline");
    pub const OutNotDue: Key = Key::new("未到期", "Not yet due");
    pub const ReportsTitle: Key = Key::new("报表", "Reports");
    pub const ReportDaily: Key = Key::new("日报", "Daily report");
    pub const ReportWeekly: Key = Key::new("周分析", "Weekly analysis");
    pub const ReportMonthly: Key = Key::new("月通报", "Monthly bulletin");
    pub const ReportDate: Key = Key::new("日期", "Date");
    pub const ReportScope: Key = Key::new("范围", "Area");
    pub const ReportDistrict: Key = Key::new("全区", "Whole district");
    pub const ReportPrint: Key = Key::new("打印", "Print");
    pub const ReportCsv: Key = Key::new("下载 CSV", "Download CSV");
    pub const ReportReceived: Key = Key::new("受理", "Received");
    pub const ReportEnquiries: Key = Key::new(
        "咨询（已当场解答，不派单）",
        "Enquiries answered (no ticket)",
    );
    pub const ReportPrevious: Key = Key::new("上期", "Previous period");
    pub const ReportByUnit: Key = Key::new(
        "按承办单位（本期到期工单）",
        "By unit (tickets due in the period)",
    );
    pub const ReportByArea: Key = Key::new(
        "按区域（本期到期工单）",
        "By area (tickets due in the period)",
    );
    pub const ReportMatters: Key = Key::new("受理最多的事项", "Most received matters");
    pub const ReportPeriod: Key = Key::new("期间", "Period");
    pub const ReportRepeatPlaces: Key = Key::new("重复诉求点位", "Places complained of again");
    pub const ReportRepeatCallers: Key = Key::new("重复来电", "Repeat callers");
    pub const ReportPlace: Key = Key::new("地点", "Place");
    pub const ReportPhone: Key = Key::new("电话", "Phone");
    pub const ReportCodes: Key = Key::new("工单", "Tickets");
    pub const ReportNoRepeats: Key = Key::new("本期没有。", "None in this period.");
    pub const HotspotsTitle: Key = Key::new("热点", "Hotspots");
    pub const HotspotsIntro: Key = Key::new(
        "各网格受理量与上一个同长期间对比，颜色越深受理越多；并列出增长最多的事项。",
        "Tickets received per grid against the period of the same length before; darker is more. With the matter types rising most.",
    );
    pub const HotspotsFrom: Key = Key::new("起", "From");
    pub const HotspotsTo: Key = Key::new("止（不含）", "To (exclusive)");
    pub const HotspotsRising: Key = Key::new("增长最多的事项", "Rising matter types");
    pub const HotspotsNoRise: Key = Key::new("没有增长的事项。", "No matter type is rising.");
    pub const HotspotsGrids: Key = Key::new("受理最多的网格", "Grids with the most tickets");
    pub const ChangeNow: Key = Key::new("本期", "This period");
    pub const ChangeDelta: Key = Key::new("变化", "Change");
    pub const FiguresTitle: Key = Key::new("分组统计", "Figures");
    pub const FiguresIntro: Key = Key::new(
        "任意期间按承办单位、街道、社区、网格或事项类型统计；点任一数字查看背后的工单。",
        "Any period, by unit, street, community, grid or matter type; tap any number for the tickets behind it.",
    );
    pub const GroupBy: Key = Key::new("分组", "Group by");
    pub const Street: Key = Key::new("街道", "Street");
    pub const MatterType: Key = Key::new("事项类型", "Matter type");
    pub const SimilarCount: Key = Key::new("条相似诉求", "similar reports nearby");
    pub const SimilarWithin: Key = Key::new("同类事项，范围", "same matter type, within");
    pub const DaysUnit: Key = Key::new("天", "days");
    pub const EventMerged: Key = Key::new(
        "与同一问题的其他诉求合并办理，以下进展同步自主工单",
        "Merged with other reports of the same problem: the steps below are the lead ticket's",
    );
    pub const MergeInto: Key = Key::new("将本单并入此单", "Merge this ticket into it");
    pub const MergedInto: Key = Key::new("已并入", "Merged into");
    pub const EventMergedInto: Key = Key::new("并入主工单", "Merged into the lead ticket");
    pub const EventTransferred: Key =
        Key::new("已转公安110处理", "Transferred to the police (110)");
    pub const RequestKindLabel: Key = Key::new("诉求类型", "Kind of request");
    pub const AllKinds: Key = Key::new("全部类型", "All kinds");
    pub const KindLivelihood: Key = Key::new("民生", "Livelihood");
    pub const KindDevelopment: Key = Key::new("发展（企业）", "Development (enterprises)");
    pub const KindEnforcement: Key = Key::new("执法", "Enforcement");
    pub const EnterpriseName: Key = Key::new("企业名称", "Enterprise name");
    pub const CreditCode: Key = Key::new("统一社会信用代码", "Unified social credit code");
}
