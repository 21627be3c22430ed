"""The code tables of records 110, 210, 215 and 220 (``pboc-records.md`` §9).

Tables whose codes depend on the account type (§9.4, §9.5, §9.7) are one enum holding the union,
plus a mapping from account type to the codes that type may use. The long ISO lists (currencies,
countries) live in :mod:`zhengxin.codes.places`.
"""

from __future__ import annotations

from zhengxin.codes.base import Code


class AccountType(Code):
    """账户类型 (§9.1, dictionary 10364)."""

    D1 = ("D1", "非循环贷账户")
    R1 = ("R1", "循环贷账户")
    R2 = ("R2", "贷记卡账户")
    R3 = ("R3", "准贷记卡账户")
    R4 = ("R4", "循环额度下分账户")
    C1 = ("C1", "催收账户")


class ReportTimingCode(Code):
    """报告时点说明代码 for record 210 (§9.2, dictionary 10427)."""

    OPENED = ("10", "新开户")
    CLOSED = ("20", "账户关闭")
    MONTHLY = ("30", "月度结算")
    FIRST_MONTHLY = ("31", "月结日首次上报存量账户")
    CLOSED_AT_MONTH_END = ("32", "月结日账户关闭")
    RECOVERED = ("40", "收回逾期款项")
    FIXED_POINT = ("90", "固定时点")


class BusinessLine(Code):
    """借贷业务大类, the top level of the business-line hierarchy (§9.3, dictionary 10366)."""

    LOAN = ("1", "贷款")
    CARD = ("2", "信用卡")
    SECURITIES = ("3", "证券类融资")
    LEASING = ("4", "融资租赁")
    ASSET_DISPOSAL = ("5", "资产处置")
    ADVANCE = ("6", "垫款")


class BusinessDetail(Code):
    """借贷业务种类细分, the second level of the business-line hierarchy (§9.3)."""

    HOUSING_COMMERCIAL = ("11", "个人住房商业贷款")
    COMMERCIAL_PROPERTY = ("12", "个人商用房（含商住两用）贷款")
    HOUSING_FUND = ("13", "个人住房公积金贷款")
    CAR = ("21", "个人汽车消费贷款")
    STUDENT = ("31", "个人助学贷款")
    STUDENT_STATE = ("32", "国家助学贷款")
    STUDENT_COMMERCIAL = ("33", "商业助学贷款")
    BUSINESS = ("41", "个人经营性贷款")
    STARTUP_GUARANTEED = ("42", "个人创业担保贷款")
    FARM = ("51", "农户贷款")
    FARM_BUSINESS = ("52", "经营性农户贷款")
    FARM_CONSUMER = ("53", "消费性农户贷款")
    SECURITIES_REPO = ("61", "约定购回式证券交易")
    SHARE_PLEDGE = ("62", "股票质押式回购交易")
    MARGIN = ("63", "融资融券业务")
    SECURITIES_OTHER = ("64", "其他证券类融资")
    SEMI_CREDIT_CARD = ("71", "准贷记卡")
    CREDIT_CARD = ("81", "贷记卡")
    SPECIAL_INSTALMENT_CARD = ("82", "大额专项分期卡")
    OTHER_CONSUMER = ("91", "其他个人消费贷款")
    LEASING = ("92", "融资租赁业务")
    OTHER = ("99", "其他贷款")
    DISPOSED = ("A1", "由资产处置机构处置的债务")
    ADVANCED = ("B1", "因代偿继承债权的债务")

    @property
    def parent(self) -> BusinessLine:
        """The top-level business line this detail belongs to.

        >>> BusinessDetail.LEASING.parent.label, BusinessDetail("91").parent.label
        ('融资租赁', '贷款')
        """
        return _DETAIL_PARENT[self]


_DETAIL_PARENT = {
    **{d: BusinessLine.LOAN for d in BusinessDetail if d.value[0] in "123459"},
    **{d: BusinessLine.SECURITIES for d in BusinessDetail if d.value[0] == "6"},
    BusinessDetail.SEMI_CREDIT_CARD: BusinessLine.CARD,
    BusinessDetail.CREDIT_CARD: BusinessLine.CARD,
    BusinessDetail.SPECIAL_INSTALMENT_CARD: BusinessLine.CARD,
    BusinessDetail.LEASING: BusinessLine.LEASING,
    BusinessDetail.DISPOSED: BusinessLine.ASSET_DISPOSAL,
    BusinessDetail.ADVANCED: BusinessLine.ADVANCE,
}


class AccountStatus(Code):
    """账户状态 (§9.4a-e, dictionaries 10369/10370/10372/10374/10376): the union of all types.

    Two codes mean different things by type: ``6`` is 担保物不足 for D1/R1/R4 but 未激活 (not
    activated) for R2/R3, and C1 reads ``1`` as 催收 and ``2`` as 结束. :data:`ACCOUNT_STATUSES`
    gives each type's valid codes.
    """

    NORMAL = ("1", "正常")
    OVERDUE = ("2", "逾期")
    CLOSED = ("3", "关闭")
    CARD_STOPPED = ("31", "银行止付")
    CANCELLED = ("4", "销户")
    BAD_DEBT_PENDING = ("41", "呆账（进入核销认定程序，等待核销）")
    WRITTEN_OFF = ("42", "呆账（已核销）")
    STOPPED = ("5", "银行止付")
    CARD_BAD_DEBT_PENDING = ("51", "呆账（等待核销）")
    CARD_WRITTEN_OFF = ("52", "呆账（已核销）")
    COLLATERAL_SHORT = ("6", "担保物不足")
    LEGAL_RECOVERY = ("8", "司法追偿")


_LOAN_ACCOUNT_STATUSES = frozenset({"1", "2", "3", "41", "42", "6", "8"})
_CARD_ACCOUNT_STATUSES = frozenset({"1", "31", "4", "51", "52", "6", "8"})

ACCOUNT_STATUSES: dict[str, frozenset[str]] = {
    "D1": _LOAN_ACCOUNT_STATUSES,
    "R4": _LOAN_ACCOUNT_STATUSES,
    "R1": _LOAN_ACCOUNT_STATUSES | {"5"},
    "R2": _CARD_ACCOUNT_STATUSES,
    "R3": _CARD_ACCOUNT_STATUSES,
    "C1": frozenset({"1", "2"}),
}
"""The AcctStatus codes each account type may use (§9.4a-e)."""

BAD_DEBT_ACCOUNT_STATUSES = frozenset(
    s.value
    for s in (
        AccountStatus.BAD_DEBT_PENDING,
        AccountStatus.WRITTEN_OFF,
        AccountStatus.CARD_BAD_DEBT_PENDING,
        AccountStatus.CARD_WRITTEN_OFF,
    )
)
"""Account statuses of bad debt, pending or written off (41, 42; cards 51, 52)."""


class RepaymentStatus(Code):
    """当前还款状态 (§9.5). Labels follow the R1 table (9.5b)."""

    PAID_AS_AGREED = ("N", "正常还款")
    PAID_LATE_IN_MONTH = ("M", "约定还款日后月底前还款")
    NOTHING_DUE = ("*", "当月未使用额度且不需要还款")
    OVERDUE_1_30 = ("1", "逾期1-30天")
    OVERDUE_31_60 = ("2", "逾期31-60天")
    OVERDUE_61_90 = ("3", "逾期61-90天")
    OVERDUE_91_120 = ("4", "逾期91-120天")
    OVERDUE_121_150 = ("5", "逾期121-150天")
    OVERDUE_151_180 = ("6", "逾期151-180天")
    OVERDUE_OVER_180 = ("7", "逾期180天以上")
    BAD_DEBT = ("B", "呆账")
    CLOSED = ("C", "正常销户")
    GUARANTOR_PAID = ("D", "担保人代还")
    ENDED = ("G", "结束")
    SETTLED_WITH_ASSETS = ("Z", "以资抵债")
    UNKNOWN = ("#", "无法判断还款状态")

    @classmethod
    def for_days_past_due(cls, days: int) -> RepaymentStatus:
        """The overdue band for ``days`` past due (1-30 → 1 ... over 180 → 7).

        >>> RepaymentStatus.for_days_past_due(31).value
        '2'
        """
        if days <= 0:
            raise ValueError("days past due must be positive for an overdue status")
        return _OVERDUE_BANDS[min((days - 1) // 30, 6)]

    @property
    def is_overdue(self) -> bool:
        return self in _OVERDUE_BANDS

    @property
    def is_adverse(self) -> bool:
        """Adverse (不良, art. 44): overdue 1-7, bad debt, paid by guarantor, settled by assets."""
        return self.is_overdue or self in (
            RepaymentStatus.BAD_DEBT,
            RepaymentStatus.GUARANTOR_PAID,
            RepaymentStatus.SETTLED_WITH_ASSETS,
        )


_OVERDUE_BANDS = (
    RepaymentStatus.OVERDUE_1_30,
    RepaymentStatus.OVERDUE_31_60,
    RepaymentStatus.OVERDUE_61_90,
    RepaymentStatus.OVERDUE_91_120,
    RepaymentStatus.OVERDUE_121_150,
    RepaymentStatus.OVERDUE_151_180,
    RepaymentStatus.OVERDUE_OVER_180,
)

_CARD_REPAYMENT_STATUSES = frozenset(
    {"N", "*", "1", "2", "3", "4", "5", "6", "7", "B", "C", "G", "#"}
)
_LOAN_REPAYMENT_STATUSES = _CARD_REPAYMENT_STATUSES | {"M", "D", "Z"}

REPAYMENT_STATUSES: dict[str, frozenset[str]] = {
    "D1": _LOAN_REPAYMENT_STATUSES,
    "R4": _LOAN_REPAYMENT_STATUSES,
    "R1": _LOAN_REPAYMENT_STATUSES,
    "R2": _CARD_REPAYMENT_STATUSES,
    "R3": _CARD_REPAYMENT_STATUSES,
}
"""The RpyStatus codes each account type may use (§9.5a-d); C1 reports no repayment status."""


class FiveCategory(Code):
    """五级分类 (§9.6, dictionary 10399)."""

    PASS = ("1", "正常")
    SPECIAL_MENTION = ("2", "关注")
    SUBSTANDARD = ("3", "次级")
    DOUBTFUL = ("4", "可疑")
    LOSS = ("5", "损失")
    UNCLASSIFIED = ("9", "未分类")

    @classmethod
    def for_days_past_due(cls, days: int) -> FiveCategory:
        """Consumer-credit classification by days past due (law-and-products §5).

        >>> [FiveCategory.for_days_past_due(d).value for d in (0, 1, 90, 91, 121, 181)]
        ['1', '2', '2', '3', '4', '5']
        """
        if days <= 0:
            return cls.PASS
        if days <= 90:
            return cls.SPECIAL_MENTION
        if days <= 120:
            return cls.SUBSTANDARD
        if days <= 180:
            return cls.DOUBTFUL
        return cls.LOSS


class RepaymentMode(Code):
    """还款方式 (§9.7a for D1/R4, dictionary 10387; §9.7b for R1, dictionary 10388): the union.

    ``90`` is 合并报送 in 9.7b; the label here is 9.7a's.
    """

    EQUAL_INSTALMENTS = ("11", "分期等额本息")
    EQUAL_PRINCIPAL = ("12", "分期等额本金")
    INTEREST_PERIODIC_PRINCIPAL_AT_END = ("13", "到期还本分期结息")
    GEOMETRIC_GRADUATED = ("14", "等比累进分期还款")
    ARITHMETIC_GRADUATED = ("15", "等额累进分期还款")
    OTHER_INSTALMENT = ("19", "其他类型分期还款")
    BULLET = ("21", "到期一次还本付息")
    INTEREST_IN_ADVANCE = ("22", "预先付息到期还本")
    ANY_TIME = ("23", "随时还")
    OTHER_NON_INSTALMENT = ("29", "其他类型非分期还款")
    REVOLVING_INTEREST_PRINCIPAL_AT_END = ("31", "按期结息、到期还本")
    REVOLVING_INTEREST_PRINCIPAL_AT_WILL = ("32", "按期结息、自由还本")
    REVOLVING_PERIODIC = ("33", "按期计算还款本息")
    REVOLVING_OTHER = ("39", "循环贷款下其他还款方式")
    AGGREGATED = ("90", "汇总报送，不区分还款方式")


_INSTALMENT_MODES = frozenset({"11", "12", "13", "14", "15", "19", "21", "22", "23", "29", "90"})

REPAYMENT_MODES: dict[str, frozenset[str]] = {
    "D1": _INSTALMENT_MODES,
    "R4": _INSTALMENT_MODES,
    "R1": frozenset({"31", "32", "33", "39", "90"}),
}
"""The RepayMode codes each account type may use: 9.7a for D1/R4, 9.7b for R1."""


class RepaymentFrequency(Code):
    """还款频率 (§9.8, dictionary 10391)."""

    DAILY = ("01", "日")
    WEEKLY = ("02", "周")
    MONTHLY = ("03", "月")
    QUARTERLY = ("04", "季")
    HALF_YEARLY = ("05", "半年")
    YEARLY = ("06", "年")
    ONCE = ("07", "一次性")
    IRREGULAR = ("08", "不定期")
    TEN_DAYS = ("12", "旬")
    FORTNIGHTLY = ("13", "双周")
    TWO_MONTHLY = ("14", "双月")
    OTHER = ("99", "其他")


class GuaranteeMode(Code):
    """担保方式 (§9.9, dictionary 10414)."""

    PLEDGE = ("1", "质押")
    MORTGAGE = ("2", "抵押")
    GUARANTEE = ("3", "保证")
    UNSECURED = ("4", "信用/免担保")
    COMBINATION_WITH_GUARANTEE = ("5", "组合（含保证）")
    COMBINATION_WITHOUT_GUARANTEE = ("6", "组合（不含保证）")
    FARMERS_JOINT = ("7", "农户联保")


class OtherRepayGuarantee(Code):
    """其他还款保证方式 (§9.9b, dictionary 10416)."""

    NONE = ("0", "无")
    DEPOSIT = ("1", "保证金")
    OTHER = ("9", "其他")


class AssetTransferFlag(Code):
    """资产转让标志 (§9.11, dictionary 10400)."""

    NOT_TRANSFERRED = ("0", "未转让")
    TRANSFERRED = ("1", "转让")


class FundSource(Code):
    """业务经营类型 (§9.12, dictionary 10393)."""

    OWN = ("1", "自营")
    ENTRUSTED = ("2", "委托")
    ENTRUSTED_GOVERNMENT = ("21", "政府部门委托")
    ENTRUSTED_ENTERPRISE = ("22", "企事业单位委托")
    ENTRUSTED_INDIVIDUAL = ("23", "个人委托")
    ENTRUSTED_HOUSING_FUND = ("24", "公积金管理中心的委托")
    TRUST = ("4", "信托")
    JOINT = ("8", "联合")


class LoanForm(Code):
    """贷款发放形式 (§9.11b, dictionary 10392)."""

    NEW = ("1", "新增")
    TRANSFERRED_IN = ("5", "其他机构转入")
    OTHER = ("9", "其他")


class IdType(Code):
    """个人证件类型 (§9.13, dictionary 10350)."""

    HOUSEHOLD_REGISTER = ("1", "户口簿")
    PASSPORT = ("2", "护照")
    HK_MACAU_PERMIT = ("5", "港澳居民来往内地通行证")
    TAIWAN_PERMIT = ("6", "台湾同胞来往内地通行证")
    FOREIGNER_RESIDENCE = ("8", "外国人居留证")
    POLICE = ("9", "警官证")
    RESIDENT_ID = ("10", "居民身份证及其他以公民身份证号为标识的证件")
    MILITARY = ("20", "军人身份证件")
    HONG_KONG_ID = ("A", "香港身份证")
    MACAU_ID = ("B", "澳门身份证")
    TAIWAN_ID = ("C", "台湾身份证")
    OTHER = ("X", "其他证件")


class SplitDrawdownFlag(Code):
    """分次放款标志 (§9.10, dictionary 10401)."""

    ONE_DRAWDOWN = ("0", "贷款额度一次性发放")
    SPLIT_SEPARATE_ACCOUNTS = ("1", "分次发放，每笔放款对应一个独立的D1账户报送")
    SPLIT_ONE_ACCOUNT = ("2", "分次发放，所有放款使用统一的D1账户合并报送")


class FirstHomeLoanFlag(Code):
    """是否为首套住房贷款 (§9.11c, dictionary 11562)."""

    YES = ("01", "是")
    NO = ("02", "否")
    UNKNOWN = ("03", "未知")
    NO_DIFFERENTIATED_POLICY = ("04", "未发布差别化住房信贷政策")


class IdentityCategory(Code):
    """身份类别 of a related party or co-obligor (§9.14, dictionary 10353)."""

    NATURAL_PERSON = ("1", "自然人")
    ORGANISATION = ("2", "组织机构")


class OrganisationIdType(Code):
    """企业身份标识类型 (§9.14b, dictionary 10351); related parties may use only 10, 20 and 30."""

    BUSINESS_REGISTRATION = ("01", "工商注册号")
    PUBLIC_INSTITUTION = ("02", "机关和事业单位登记号")
    SOCIAL_ORGANISATION = ("03", "社会团体登记号")
    PRIVATE_NON_ENTERPRISE = ("04", "民办非企业登记号")
    FOUNDATION = ("05", "基金会登记号")
    RELIGIOUS = ("06", "宗教证书登记号")
    CREDIT_REFERENCE_CODE = ("10", "中征码（原贷款卡编码）")
    UNIFIED_SOCIAL_CREDIT_CODE = ("20", "统一社会信用代码")
    ORGANISATION_CODE = ("30", "组织机构代码")
    TAXPAYER_NATIONAL = ("41", "纳税人识别号（国税）")
    TAXPAYER_LOCAL = ("42", "纳税人识别号（地税）")


PARTY_ORGANISATION_ID_TYPES = frozenset(
    {
        OrganisationIdType.CREDIT_REFERENCE_CODE.value,
        OrganisationIdType.UNIFIED_SOCIAL_CREDIT_CODE.value,
        OrganisationIdType.ORGANISATION_CODE.value,
    }
)
"""The only organisation ID types a related party or co-obligor may use: 10, 20, 30 (§9.14b)."""


class ResponsibilityType(Code):
    """还款责任人类型 (§9.14c, dictionary 10394)."""

    CO_BORROWER = ("1", "共同借款人")
    GUARANTOR = ("2", "保证人")
    OTHER = ("9", "其他")


class JointGuaranteeFlag(Code):
    """联保标志 (§9.14d, dictionary 11211)."""

    SINGLE_OR_SEPARATE = ("0", "单人保证/多人分保")
    JOINT = ("1", "联保")


class OriginalDebtType(Code):
    """原债务种类 (§9.17, dictionary 10367)."""

    LOAN = ("1", "贷款")
    CREDIT_CARD = ("2", "信用卡")
    SECURITIES = ("3", "证券类融资")
    LEASING = ("4", "融资租赁")
    OTHER = ("9", "其他")


class TransferRepaymentStatus(Code):
    """债权转移时的还款状态 (§9.18, dictionary 10386)."""

    ADVANCED_ON_DEFAULT = ("0", "债务人违约时自动垫款")
    OVERDUE_1_30 = ("1", "逾期1-30天")
    OVERDUE_31_60 = ("2", "逾期31-60天")
    OVERDUE_61_90 = ("3", "逾期61-90天")
    OVERDUE_91_120 = ("4", "逾期91-120天")
    OVERDUE_121_150 = ("5", "逾期121-150天")
    OVERDUE_151_180 = ("6", "逾期151-180天")
    OVERDUE_OVER_180 = ("7", "逾期180天以上")
    UNKNOWN = ("9", "未知")


class SpecialTransactionType(Code):
    """特殊交易类型 (§9.19, dictionary 10396)."""

    EXTENSION = ("1", "展期")
    GUARANTOR_PAID = ("2", "担保人（第三方）代偿")
    SETTLED_WITH_ASSETS = ("3", "以资抵债")
    PREPAYMENT = ("4", "提前还款")
    EARLY_SETTLEMENT = ("5", "提前结清")
    LEGAL_RECOVERY = ("8", "司法追偿")
    DEBT_RELIEF = ("11", "债务减免")
    ASSET_STRIPPING = ("12", "资产剥离")
    ASSET_TRANSFER = ("13", "资产转让")
    CARD_INSTALMENT_PLAN = ("14", "信用卡个性化分期")
    WRITE_OFF = ("15", "核销")
    BANK_DEFERRAL = ("16", "银行主动延期")
    FORCED_LIQUIDATION = ("17", "强制平仓")


# Record 110 个人基本信息记录 (§9.20-9.32)


class BasicInfoReportCode(Code):
    """报告时点说明代码 for record 110 (§9.20, dictionary 10426)."""

    NEW_CUSTOMER = ("10", "新增客户资料/首次上报")
    UPDATE = ("20", "更新客户资料")


class CustomerType(Code):
    """客户资料类型 (§9.21, dictionary 10360)."""

    LOAN = ("11", "贷款")
    CARD = ("12", "信用卡")
    CARD_AND_LOAN = ("13", "同时来自信用卡、贷款")
    GUARANTEE = ("20", "担保")
    SECURITIES = ("30", "证券类融资")
    LEASING = ("40", "融资租赁")
    ASSET_DISPOSAL = ("50", "资产处置")
    ADVANCE = ("60", "垫款")
    UNDISTINGUISHED = ("90", "无法区分具体来源")


class Gender(Code):
    """性别 (§9.22, dictionary 10338); ``kernel.identity.Sex`` is what an ID number shows."""

    UNKNOWN = ("0", "未知的性别")
    MALE = ("1", "男性")
    FEMALE = ("2", "女性")
    NOT_STATED = ("9", "未说明性别")


class MaritalStatus(Code):
    """婚姻状况 (§9.23, dictionary 10347); 20-23 call for the spouse items."""

    UNMARRIED = ("10", "未婚")
    MARRIED = ("20", "已婚")
    FIRST_MARRIAGE = ("21", "初婚")
    REMARRIED = ("22", "再婚")
    REMARRIED_FORMER_SPOUSE = ("23", "复婚")
    WIDOWED = ("30", "丧偶")
    DIVORCED = ("40", "离婚")
    NOT_STATED = ("90", "未说明")
    SINGLE = ("91", "单身")
    UNKNOWN = ("99", "未知")


class Education(Code):
    """学历 (§9.24, dictionary 10340)."""

    POSTGRADUATE = ("10", "研究生")
    BACHELOR = ("20", "本科")
    COLLEGE = ("30", "大专")
    VOCATIONAL = ("40", "中专、职高、技校")
    SENIOR_HIGH = ("60", "高中")
    JUNIOR_HIGH = ("70", "初中")
    PRIMARY = ("80", "小学")
    OTHER = ("90", "其他")
    JUNIOR_HIGH_OR_BELOW = ("91", "初中及以下")
    UNKNOWN = ("99", "未知")


class Degree(Code):
    """学位 (§9.25, dictionary 10342)."""

    HONORARY_DOCTORATE = ("1", "名誉博士")
    DOCTORATE = ("2", "博士")
    MASTER = ("3", "硕士")
    BACHELOR = ("4", "学士")
    NONE = ("5", "无")
    UNKNOWN = ("9", "未知")


class EmploymentStatus(Code):
    """就业状况 (§9.26, dictionary 10343); 11/13/17/21/24/91 count as employed (§5.6)."""

    CIVIL_SERVANT = ("11", "国家公务员")
    PROFESSIONAL = ("13", "专业技术人员")
    CLERK = ("17", "职员")
    MANAGER = ("21", "企业管理人员")
    WORKER = ("24", "工人")
    FARMER = ("27", "农民")
    STUDENT = ("31", "学生")
    SOLDIER = ("37", "现役军人")
    FREELANCER = ("51", "自由职业者")
    SELF_EMPLOYED = ("54", "个体经营者")
    UNEMPLOYED = ("70", "无业人员")
    RETIRED = ("80", "退（离）休人员")
    OTHER = ("90", "其他")
    EMPLOYED = ("91", "在职")
    UNKNOWN = ("99", "未知")


class EmployerType(Code):
    """单位性质 (§9.27, dictionary 10361)."""

    GOVERNMENT = ("10", "机关、事业单位")
    STATE_OWNED = ("20", "国有企业")
    FOREIGN_FUNDED = ("30", "外资企业")
    PRIVATE = ("40", "个体、私营企业")
    OTHER = ("50", "其他")
    UNKNOWN = ("99", "未知")


class Industry(Code):
    """单位所属行业 (§9.28, dictionary 10336): the sections of GB/T 4754, plus 9 未知."""

    AGRICULTURE = ("A", "农、林、牧、渔业")
    MINING = ("B", "采矿业")
    MANUFACTURING = ("C", "制造业")
    UTILITIES = ("D", "电力、热力、燃气及水生产和供应业")
    CONSTRUCTION = ("E", "建筑业")
    WHOLESALE_RETAIL = ("F", "批发和零售业")
    TRANSPORT = ("G", "交通运输、仓储和邮政业")
    HOSPITALITY = ("H", "住宿和餐饮业")
    INFORMATION_TECHNOLOGY = ("I", "信息传输、软件和信息技术服务业")
    FINANCE = ("J", "金融业")
    REAL_ESTATE = ("K", "房地产业")
    LEASING_BUSINESS_SERVICES = ("L", "租赁和商务服务业")
    RESEARCH = ("M", "科学研究和技术服务业")
    WATER_ENVIRONMENT = ("N", "水利、环境和公共设施管理业")
    RESIDENT_SERVICES = ("O", "居民服务、修理和其他服务业")
    EDUCATION = ("P", "教育")
    HEALTH = ("Q", "卫生和社会工作")
    CULTURE = ("R", "文化、体育和娱乐业")
    PUBLIC_ADMINISTRATION = ("S", "公共管理、社会保障和社会组织")
    INTERNATIONAL = ("T", "国际组织")
    UNKNOWN = ("9", "未知")


class Occupation(Code):
    """职业 (§9.29, dictionary 10345)."""

    HEADS = ("0", "单位负责人")
    PROFESSIONALS = ("1", "专业技术人员")
    CLERKS = ("3", "办事人员")
    COMMERCE_SERVICES = ("4", "商业、服务业人员")
    AGRICULTURE = ("5", "农林牧渔水利业生产人员")
    PRODUCTION_TRANSPORT = ("6", "生产、运输设备操作人员")
    MILITARY = ("X", "军人")
    OTHER = ("Y", "不便分类的其他从业人员")
    UNKNOWN = ("Z", "未知")


class JobTitle(Code):
    """职务 (§9.30, dictionary 10355)."""

    SENIOR = ("1", "高级领导")
    MIDDLE = ("2", "中级领导")
    STAFF = ("3", "一般员工")
    UNKNOWN = ("9", "未知")


class TechnicalTitle(Code):
    """职称 (§9.31, dictionary 10357)."""

    NONE = ("0", "无")
    SENIOR = ("1", "高级")
    INTERMEDIATE = ("2", "中级")
    JUNIOR = ("3", "初级")
    UNKNOWN = ("9", "未知")


class ResidenceStatus(Code):
    """居住状况 (§9.32, dictionary 10359)."""

    OWNED = ("1", "自置")
    MORTGAGED = ("2", "按揭")
    RELATIVES = ("3", "亲属楼宇")
    DORMITORY = ("4", "集体宿舍")
    RENTED = ("5", "租房")
    CO_OWNED = ("6", "共有住宅")
    OTHER = ("7", "其他")
    UNKNOWN = ("9", "未知")
    OWN = ("11", "自有")
    LODGING = ("12", "借住")


# Record 220 个人授信协议信息记录 (§9.33-9.36)


class AgreementReportCode(Code):
    """报告时点说明代码 for record 220 (§9.33, dictionary 10428)."""

    STARTED = ("10", "授信开始")
    EXPIRED = ("20", "授信到期/失效")
    LIMIT_CHANGED = ("30", "额度调整")


class CreditLimitType(Code):
    """授信额度类型 (§9.34, dictionary 10410)."""

    REVOLVING_LOAN = ("10", "循环贷款额度")
    NON_REVOLVING_LOAN = ("20", "非循环贷款额度")
    CARD_SHARED = ("30", "信用卡共享额度")
    CARD_INDIVIDUAL = ("31", "信用卡独立额度")


class RevolvingFlag(Code):
    """额度循环标志 (§9.35, dictionary 10411)."""

    NO = ("0", "否")
    YES = ("1", "是")


class AgreementStatus(Code):
    """额度状态 (§9.36, dictionary 10412)."""

    VALID = ("1", "有效")
    EXPIRED = ("2", "到期/失效")


# Record 215 特殊事件说明记录 (§9.37-9.38)


class SpecialEventType(Code):
    """特殊事件类型 (§9.37, dictionary 10397)."""

    NO_STATEMENT_BILLING_DATE_CHANGED = ("11", "信用卡因调整账单日本月不出单")
    CARD_REACTIVATED = ("12", "已注销信用卡账户重启")
    TRANSFERRED_OUT = ("21", "转出")


class EffectFlag(Code):
    """生效标志 (§9.38, dictionary 10540)."""

    INVALID = ("0", "无效")
    VALID = ("1", "有效")


# Manage dictionaries (§9.39)


class SegmentMark210(Code):
    """个人借贷账户段标 (§9.39, manage dictionary 10079): the segments of record 210."""

    BASE = ("B", "基础段")
    BASIC_INFO = ("C", "基本信息段")
    RELATED_PARTIES = ("D", "相关还款责任人段")
    COLLATERAL = ("E", "抵质押物信息段")
    CREDIT_LINE = ("F", "授信额度信息段")
    ORIGINAL_CREDITOR = ("G", "初始债权说明段")
    MONTHLY = ("H", "月度表现信息段")
    SPECIAL_INSTALMENT = ("I", "大额专项分期信息段")
    NON_MONTHLY = ("J", "非月度表现信息段")
    SPECIAL_TRANSACTIONS = ("K", "特殊交易说明段")


class SegmentMark220(Code):
    """授信协议段标 (§9.39, manage dictionary 10117): the segments of record 220."""

    BASE = ("B", "基础段")
    CO_OBLIGORS = ("C", "共同受信人信息段")
    CREDIT_LIMIT = ("D", "额度信息段")


class QueryReason(Code):
    """查询原因: why an institution asks for a person's credit report, as reports show it
    (``law-and-products.md`` §2). Self-queries (本人查询) are shown apart and carry no code."""

    POST_LOAN = ("01", "贷后管理")
    LOAN_APPROVAL = ("02", "贷款审批")
    CARD_APPROVAL = ("03", "信用卡审批")
    GUARANTOR_VETTING = ("08", "担保资格审查")
    JUDICIAL = ("09", "司法调查")
    HOUSING_FUND_REVIEW = ("16", "公积金提取复核")
    INDEX_FUTURES = ("18", "股指期货开户")
    MERCHANT_CHECK = ("19", "特约商户实名审查")
    PRE_GUARANTEE = ("20", "保前审查")
    POST_GUARANTEE = ("21", "保后管理")
    EXECUTIVE_VETTING = ("22", "法人代表、负责人、高管等资信审查")
    CUSTOMER_ADMISSION = ("23", "客户准入资格审查")
    FINANCING_APPROVAL = ("24", "融资审批")
    CREDIT_VETTING = ("25", "资信审查")
    LIMIT_APPROVAL = ("26", "额度审批")


LENDER_QUERY_REASONS: tuple[QueryReason, ...] = (
    QueryReason.POST_LOAN,
    QueryReason.LOAN_APPROVAL,
    QueryReason.CARD_APPROVAL,
    QueryReason.CUSTOMER_ADMISSION,
    QueryReason.LIMIT_APPROVAL,
)
"""The purposes a lending institution asks for a report with; the others belong to
guarantors, courts, brokers, merchants' acquirers and employers."""


class DisputeType(Code):
    """异议事项类型: what a subject objects to (art. 25; ``law-and-products.md`` §2). The
    reference names the kinds without numbering them; the codes are this system's."""

    NOT_MINE = ("01", "非本人业务")
    DENY_OVERDUE = ("02", "否认逾期")
    FRAUD = ("03", "欺诈")
    QUERY_NOT_AUTHORIZED = ("04", "查询记录非本人授权")
    WRONG_DETAIL = ("05", "信息有误")

    @property
    def about_a_query(self) -> bool:
        """Whether the objection is to a query record rather than a credit record."""
        return self is DisputeType.QUERY_NOT_AUTHORIZED


class StatementType(Code):
    """本人声明类型: what a subject's own statement on the report says (§2)."""

    NOT_MY_LOAN = ("01", "非本人贷款")
    NOT_MY_USE = ("02", "非本人使用")
    CARD_FEE_OVERDUE = ("03", "信用卡年费逾期")
    CARD_LOST = ("04", "信用卡丢失")
    THIRD_PARTY_LATE = ("05", "第三方代还延迟")
    SUBSIDY_LATE = ("06", "政府贴息延迟")


class Bureau(Code):
    """The licensed personal credit bureaus a lender may report to and query
    (``law-and-products.md`` §1: the CRC and the market bureaus)."""

    CRC = ("CRC", "中国人民银行征信中心")
    BAIHANG = ("BAIHANG", "百行征信有限公司")
    PUDAO = ("PUDAO", "朴道征信有限公司")
    QIANTANG = ("QIANTANG", "钱塘征信有限公司")
