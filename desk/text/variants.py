"""Old and variant kanji folded to the form most records use, for matching only.

DATA, not code: one line per variant, "variant → standard". Add a line when a real list
shows a pair that should have matched; keep both sides of a pair the same person's name
would plausibly be written with (異体字・旧字体), never two different characters that merely look alike.
Characters that NFKC already folds (most CJK compatibility ideographs) need no line.

A new line also changes the key of every name written with that variant, and the register
keeps only hashes: an entry already on it with the variant stops matching (by either
writing), and no migration can re-key it. Weigh that before adding a line.
"""

VARIANT_TABLE = """
髙 高
﨑 崎
嵜 崎
碕 崎
邊 辺
邉 辺
齋 斎
齊 斎
斉 斎
濵 浜
濱 浜
澤 沢
廣 広
國 国
櫻 桜
眞 真
德 徳
槇 槙
𠮷 吉
冨 富
舘 館
嶋 島
嶌 島
峯 峰
檜 桧
龍 竜
瀧 滝
藏 蔵
惠 恵
條 条
實 実
壽 寿
彌 弥
禮 礼
榮 栄
淺 浅
學 学
萬 万
曾 曽
遙 遥
晉 晋
傳 伝
亞 亜
靜 静
與 与
兒 児
圓 円
會 会
關 関
縣 県
鐵 鉄
黑 黒
豐 豊
靑 青
凜 凛
穗 穂
惠 恵
髮 髪
瀨 瀬
莊 荘
驒 騨
"""


def _parse(table: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for line in table.strip().splitlines():
        variant, standard = line.split()
        pairs[variant] = standard
    return pairs


#: variant character -> standard character
VARIANTS: dict[str, str] = _parse(VARIANT_TABLE)
