"""The code tables used by record 210 and its furnishing (``pboc-records.md`` §9)."""

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
    """账户状态 for R1 revolving accounts (§9.4b, dictionary 10370); D1/R4 use all but 5."""

    NORMAL = ("1", "正常")
    OVERDUE = ("2", "逾期")
    CLOSED = ("3", "关闭")
    BAD_DEBT_PENDING = ("41", "呆账（进入核销认定程序，等待核销）")
    WRITTEN_OFF = ("42", "呆账（已核销）")
    STOPPED = ("5", "银行止付")
    COLLATERAL_SHORT = ("6", "担保物不足")
    LEGAL_RECOVERY = ("8", "司法追偿")


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
    """还款方式 (§9.7a for D1/R4, §9.7b for R1)."""

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


class Currency(Code):
    """币种 (§9.15). Only the currencies this system trades in; the full ISO list comes with
    the interface's complete code tables."""

    CNY = ("CNY", "人民币")
    USD = ("USD", "美元")
    HKD = ("HKD", "港元")
    EUR = ("EUR", "欧元")
    JPY = ("JPY", "日元")


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


class Bureau(Code):
    """The licensed personal credit bureaus a lender may report to and query
    (``law-and-products.md`` §1: the CRC and the market bureaus)."""

    CRC = ("CRC", "中国人民银行征信中心")
    BAIHANG = ("BAIHANG", "百行征信有限公司")
    PUDAO = ("PUDAO", "朴道征信有限公司")
    QIANTANG = ("QIANTANG", "钱塘征信有限公司")
