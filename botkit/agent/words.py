"""Keyword tables the offline planner reads requests with: English, Spanish, French, German,
Italian, Portuguese, Japanese, Chinese (simplified and traditional) and Korean.

Patterns are matched on the folded copy of the request (``fold``: lower-cased, accents stripped,
a space where Latin letters or digits meet CJK, so "15秒TikTok用" reads "15 秒 tiktok 用").
Latin-script words are bounded by ``\\b``; CJK words are not (they have no spaces between them).
"""

from __future__ import annotations

from botkit.skills.text import fold

__all__ = ["fold"]

# -- numbers -------------------------------------------------------------------------------

NUMBER_WORDS: dict[str, int] = {
    # en
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "sixty": 60,
    # es
    "un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
    "ocho": 8, "nueve": 9, "diez": 10, "quince": 15, "veinte": 20, "treinta": 30,
    # fr
    "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
    "quinze": 15, "vingt": 20, "trente": 30,
    # de
    "ein": 1, "eine": 1, "einen": 1, "zwei": 2, "drei": 3, "vier": 4, "funf": 5, "sechs": 6, "sieben": 7,
    "acht": 8, "neun": 9, "zehn": 10, "zwanzig": 20, "dreissig": 30,
    # it
    "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7, "otto": 8, "nove": 9, "dieci": 10,
    "quindici": 15, "venti": 20, "trenta": 30,
    # pt
    "um": 1, "uma": 1, "dois": 2, "duas": 2, "quatro": 4, "sete": 7, "oito": 8, "dez": 10, "vinte": 20,
    "trinta": 30,
}  # fmt: skip
# numbers that are also articles ("un plano", "ein Bild", "uma cena"): a length, never a count
ARTICLE_NUMBERS = frozenset({"un", "uno", "una", "une", "ein", "eine", "einen", "um", "uma"})

# Han numerals (Chinese and Japanese) and Korean native numbers before a counter ("세 장면")
HAN_DIGITS: dict[str, int] = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
    "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
HAN_NUMBER = r"[一二两兩三四五六七八九十]{1,3}"
KOREAN_NUMBERS: dict[str, int] = {
    "한": 1, "하나": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "석": 3, "네": 4, "넷": 4, "다섯": 5, "여섯": 6,
    "일곱": 7, "여덟": 8, "아홉": 9, "열": 10, "열두": 12, "열다섯": 15, "스무": 20,
}  # fmt: skip
KOREAN_NUMBER = "(?:" + "|".join(sorted(KOREAN_NUMBERS, key=len, reverse=True)) + ")"


def han_number(token: str) -> int | None:
    """ "十五" -> 15, "二十" -> 20, "三" -> 3, "两" -> 2; None for anything else."""
    if not token or any(c not in HAN_DIGITS and c != "十" for c in token):
        return None
    if "十" in token:
        tens, _, ones = token.partition("十")
        value = (HAN_DIGITS.get(tens, 0) if tens else 1) * 10 + (HAN_DIGITS.get(ones, 0) if ones else 0)
        return value if "十" not in ones else None
    if len(token) == 1:
        return HAN_DIGITS[token]
    return None


def number(token: str) -> float | None:
    """A number written as digits ("7.5", "7,5"), a word ("three", "drei"), Han ("十五") or Korean ("세")."""
    token = token.strip()
    try:
        return float(token.replace(",", "."))
    except ValueError:
        pass
    for table in (NUMBER_WORDS, KOREAN_NUMBERS):
        if token in table:
            return float(table[token])
    value = han_number(token)
    return None if value is None else float(value)


NUM = r"(?:\d+(?:[.,]\d+)?|" + "|".join(rf"\b{w}\b" for w in sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"
COUNT_NUM = (
    r"(?:\d+|" + "|".join(rf"\b{w}\b" for w in sorted(set(NUMBER_WORDS) - ARTICLE_NUMBERS, key=len, reverse=True)) + ")"
)

# -- platforms and aspect --------------------------------------------------------------------

# Platforms named in the request. Order matters: more specific first ("youtube shorts" before "youtube").
PLATFORM_PATTERNS: list[tuple[str, str]] = [
    (
        r"\byoutube\s+shorts?\b|\bshorts?\s+(de\s+|auf\s+|en\s+|on\s+|su\s+|do\s+|no\s+)?youtube\b|\bshorts\b"
        r"|(?:youtube|ユーチューブ|유튜브|油管)\s*(?:ショート|쇼츠|短视频|短視頻)|ショート動画|쇼츠",
        "shorts",
    ),
    (r"\btik\s?tok\b|抖音|ティックトック|틱톡", "tiktok"),
    (r"\b(instagram|insta|ig)\s+reels?\b|\breels?\b|リール|릴스|(?:インスタ|인스타)\s*(?:リール|릴스)", "reels"),
    (r"\blinked\s?in\b|领英|領英|リンクトイン|링크드인", "linkedin"),
    (
        r"\btwitter\b|\bx\s+(post|video)\b|\bon\s+x\b|\bfor\s+x\b|\bpara\s+x\b|\bpour\s+x\b|\bfur\s+x\b|\bper\s+x\b"
        r"|推特|ツイッター|트위터",
        "x",
    ),
    (r"\byoutube\b|油管|ユーチューブ|유튜브", "youtube"),
]
# "Instagram" alone means the feed, unless Reels or a 4:5 post was asked for
INSTAGRAM_PATTERN = r"\b(instagram|insta)(\s+(feed|post|posts))?\b|インスタグラム|インスタ|인스타그램|인스타"

# Aspect words -> the default platform of that aspect, used only when no named platform has it.
ASPECT_PATTERNS: list[tuple[str, str]] = [
    (r"\b4\s*[:x/]\s*5\b|\bportrait\b|\bretrato\b|\bverticale 4\s*:\s*5\b", "instagram-portrait"),
    (
        r"\bsquare\b|\b1\s*[:x/]\s*1\b|\bcuadrad[oa]\b|\bcarre\b|\bquadratisch\w*|\bquadrat[oa]\b|\bquadrad[oa]\b"
        r"|正方形|方形|方屏|スクエア|정사각형|정방형",
        "instagram-feed",
    ),
    (
        r"\bvertical\w*\b|\bverticale\b|\b9\s*[:x/]\s*16\b|\bhochformat\w*|竖屏|豎屏|竖版|豎版|竖向|豎向|直式|縦型|縦長|세로형|세로",
        "tiktok",
    ),
    (
        r"\blandscape\b|\bwidescreen\b|\b16\s*[:x/]\s*9\b|\bhorizontal\w*\b|\borizzontale\b|\bquerformat\w*|\bpaysage\b"
        r"|\bpaisagem\b|横屏|橫屏|横版|橫版|横向|橫向|橫式|横長|横型|가로형|가로",
        "youtube",
    ),
]
# The same read strictly, for requests: "square", "vertical", "portrait", "landscape" are also content ("a red square", "a portrait of a
# woman", "a mountain landscape"): they are formats only next to a format word, a platform or a
# kind of video, or standing alone between commas ("TikTok vertical", "square for Instagram").
_FORMAT_BEFORE = (
    r"(?:\b(?:in|en|im|as|au|al|em|no|format|formato|formats|video|videos|clip|clips|post|reel|reels|tiktok|short|shorts"
    r"|version|versione|versao|story|stories|animatic|animatica|ad|ads|promo|teaser|commercial|spot|anuncio|publicidad|pub"
    r"|annonce|publicite|werbung|werbevideo|pubblicita|anuncio|storyboard|tutorial|film)\s+)"
)
_FORMAT_AFTER = (
    r"(?=\s*(?:$|[,:;.!?)]|(?:di|de|da|do|of|von)\s+\d|(?:format|formato|formats|video|videos|clip|clips|post|posts|version|versions|versione|versao"
    r"|aspect|ratio|frame|crop|product|promo|ad|teaser|tiktok|reel|reels|short|shorts|youtube|instagram|for|para|pour"
    r"|fur|per|em)\b))"
)
_FORMAT_CJK_AFTER = r"(?=\s*(?:[,，、。:：;；]|릴스|틱톡|쇼츠|リール|tiktok|reels?|shorts|抖音|视频|視頻|影片|格式|画幅|畫幅|比例|版|屏|で|の動画|動画|형식|영상|비율|버전|으로|로))"


def _format_word(words: str) -> str:
    return rf"(?:{_FORMAT_BEFORE}(?:{words})\b|(?<![\w-])(?:{words}){_FORMAT_AFTER})"


_PORTRAIT = _format_word(r"portrait|retrato|ritratto")
_SQUARE = _format_word(r"square|cuadrad[oa]|carre|quadratisch\w*|quadrat[oa]|quadrad[oa]")
_VERTICAL = _format_word(r"vertical\w*|verticale")
_LANDSCAPE = _format_word(r"landscape|horizontal\w*|orizzontale|paysage|paisagem")
FORMAT_PATTERNS: list[tuple[str, str]] = [
    (rf"\b4\s*[:x/]\s*5\b|{_PORTRAIT}", "instagram-portrait"),
    (
        rf"\b1\s*[:x/]\s*1\b|{_SQUARE}|スクエア|(?:正方形|方形|정사각형|정방형){_FORMAT_CJK_AFTER}",
        "instagram-feed",
    ),
    (
        rf"\b9\s*[:x/]\s*16\b|\bhochformat\w*|{_VERTICAL}|竖屏|豎屏|竖版|豎版|直式|縦型|縦長|세로형"
        rf"|(?:竖向|豎向|세로){_FORMAT_CJK_AFTER}",
        "tiktok",
    ),
    (
        rf"\bwidescreen\b|\b16\s*[:x/]\s*9\b|\bquerformat\w*|{_LANDSCAPE}|横屏|橫屏|横版|橫版|橫式|横長|横型|가로형"
        rf"|(?:横向|橫向|가로){_FORMAT_CJK_AFTER}",
        "youtube",
    ),
]
ASPECTS: dict[str, str] = {
    "tiktok": "9:16",
    "reels": "9:16",
    "shorts": "9:16",
    "youtube": "16:9",
    "linkedin": "16:9",
    "x": "16:9",
    "instagram-feed": "1:1",
    "instagram-portrait": "4:5",
}

# -- lengths, counts, shots ------------------------------------------------------------------

# unit word -> seconds (Latin words; CJK units are in CJK_UNITS)
DURATION_UNITS: dict[str, float] = {
    **dict.fromkeys(
        ["s", "sec", "secs", "second", "seconds", "segundo", "segundos", "seg", "seconde", "secondes", "sekunde",
         "sekunden", "sek", "secondo", "secondi"],
        1.0,
    ),
    **dict.fromkeys(["min", "mins", "minute", "minutes", "minuto", "minutos", "minuten", "minuti"], 60.0),
    **dict.fromkeys(
        ["hr", "hrs", "hour", "hours", "hora", "horas", "heure", "heures", "stunde", "stunden", "ora", "ore"], 3600.0
    ),
}  # fmt: skip
# "15秒", "20초", "1分钟", "1分間" ("分" and "분" only after digits: "十分" is "very", "세 분" three people)
CJK_UNITS: dict[str, float] = {
    "秒钟": 1.0, "秒鐘": 1.0, "秒間": 1.0, "秒": 1.0, "초": 1.0,
    "分钟": 60.0, "分鐘": 60.0, "分間": 60.0, "小时": 3600.0, "小時": 3600.0, "時間": 3600.0, "시간": 3600.0,
}  # fmt: skip
CJK_DIGIT_UNITS: dict[str, float] = {"分": 60.0, "분": 60.0}

# count nouns: "5 steps", "3 panels", "four shots"
COUNT_NOUNS: dict[str, str] = {
    **dict.fromkeys(
        ["step", "steps", "paso", "pasos", "etape", "etapes", "schritt", "schritte", "schritten", "passo", "passi",
         "passaggio", "passaggi", "passos", "etapa", "etapas"],
        "steps",
    ),
    **dict.fromkeys(
        ["panel", "panels", "paneles", "vignette", "vignettes", "panneau", "panneaux", "bild", "bilder", "frame",
         "frames", "pannello", "pannelli", "vignetta", "tavola", "tavole", "painel", "paineis", "quadro", "quadros",
         "vineta", "vinetas", "bildern", "bildtafeln"],
        "panels",
    ),
    **dict.fromkeys(
        ["shot", "shots", "scene", "scenes", "escena", "escenas", "plan", "plans", "toma", "tomas", "szene",
         "szenen", "einstellung", "einstellungen", "clip", "clips", "cut", "cuts", "inquadratura", "inquadrature",
         "scena", "ripresa", "riprese", "cena", "cenas", "plano", "planos", "tomada", "tomadas", "clipe", "clipes"],
        "shots",
    ),
}  # fmt: skip
# CJK count nouns, after a number and an optional counter: "三个镜头", "3つのショット", "세 개의 장면"
CJK_COUNT_NOUNS: dict[str, str] = {
    **dict.fromkeys(["步骤", "步驟", "步", "ステップ", "手順", "段階", "工程", "단계", "스텝"], "steps"),
    **dict.fromkeys(["分镜", "分鏡", "格", "幅", "コマ", "パネル", "패널", "컷의 그림"], "panels"),
    **dict.fromkeys(
        ["镜头", "鏡頭", "场景", "場景", "画面", "畫面", "片段", "ショット", "カット", "シーン", "場面", "장면", "샷", "컷", "씬"],
        "shots",
    ),
}  # fmt: skip
CJK_COUNTERS = r"(?:个|個|段|条|條|张|張|组|組|つの|つ|個の|枚の|本の|の|개의|개|장의|장|가지)?"

# a shot named by number: "shot 2", "panel 3", "plano 1", "vignette 2", "Einstellung 4", "pannello 2"
SHOT_NOUN_PATTERN = (
    r"(?:shot|scene|clip|panel|step|plano|toma|escena|paso|vineta|plan|prise|etape|vignette|panneau"
    r"|einstellung|szene|schritt|bild|inquadratura|scena|pannello|vignetta|tavola|passo|cena|painel|quadro|tomada|etapa)"
)
CJK_SHOT_NOUN = r"(?:镜头|鏡頭|场景|場景|画面|畫面|分镜|分鏡|片段|格|幅|步|ショット|カット|シーン|場面|パネル|コマ|ステップ|장면|샷|컷|씬|패널|단계)"
ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "last": -1, "final": -1, "opening": 1, "closing": -1,
    "primer": 1, "primera": 1, "primero": 1, "segundo": 2, "segunda": 2, "tercer": 3, "tercera": 3, "tercero": 3,
    "cuarto": 4, "cuarta": 4, "ultimo": -1, "ultima": -1,
    "premier": 1, "premiere": 1, "deuxieme": 2, "seconde": 2, "troisieme": 3, "quatrieme": 4, "dernier": -1,
    "derniere": -1,
    "erste": 1, "ersten": 1, "zweite": 2, "zweiten": 2, "dritte": 3, "dritten": 3, "vierte": 4, "vierten": 4,
    "letzte": -1, "letzten": -1,
    "primo": 1, "prima": 1, "secondo": 2, "terzo": 3, "terza": 3, "quarto": 4, "quarta": 4,
    "primeiro": 1, "primeira": 1, "terceiro": 3, "terceira": 3,
}  # fmt: skip
ORDINAL_PATTERN = "(?:" + "|".join(sorted(ORDINALS, key=len, reverse=True)) + ")"
KOREAN_ORDINALS: dict[str, int] = {"첫": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "마지막": -1}
FIRST_LAST_CJK: dict[str, int] = {"最初の": 1, "最後の": -1, "最后一个": -1, "最後一個": -1, "最后": -1, "最後": -1}

# "2 seconds each": a length per shot, not the total (after the length)
EACH_PATTERN = (
    r"\s*(each|apiece|per (shot|panel|scene|step|image|clip|board)|a (shot|panel|scene|piece)"
    r"|cada (uno|una|panel|escena|imagen|plano|paso|um|uma|cena|painel)|por (panel|escena|imagen|plano|paso|toma|cena|painel)"
    r"|chacun(e)?|par (plan|vignette|image|scene|etape|planche)|jeweils|pro (bild|szene|einstellung|schritt|panel)"
    r"|ciascun[oa]|l'un[oa]|ognun[oa]|per (scena|inquadratura|pannello|vignetta|passaggio))\b|\s*(?:ずつ|씩|一个|一個|一段|一格)"
)
# "each for 3 seconds", "every shot 3 s", "jeweils 3 Sekunden", "每个镜头3秒", "それぞれ3秒", "각 3초" (before it)
EACH_BEFORE_PATTERN = (
    r"(?:\beach(?: one| shot| panel| scene| step| clip)?|\bevery (?:shot|panel|scene|step|clip)|\bjeweils|\bje\b"
    r"|\bcada (?:uno|una|plano|escena|panel|toma|um|uma|cena|painel)|\bchaque (?:plan|vignette|scene|image)"
    r"|\bogni (?:scena|inquadratura|pannello)|\bciascun[oa]"
    r"|每一个|每一個|每个|每個|每段|每格|每幅|每张|每張|每一步|各|それぞれ|각각|각|(?:장면|컷|샷|씬|단계)\s*(?:마다|당))"
    + rf"(?:\s*{CJK_SHOT_NOUN})?"
    + r"\s*(?:(?:for|lasting|lasts|of|de|durant|dure|dura|duran|dauert|fur|di|com|por|持续|持續|为|為|は|이|가|은|는|당|마다)\s*)?$"
)
# "a single continuous 20 second shot", "one take", "un solo plano", "一镜到底", "ワンカット", "원테이크"
SINGLE_SHOT_PATTERN = (
    r"\b(?:a |one )?single(?: (?:continuous|unbroken|long|uncut|#+|\d+(?:[.,]\d+)?\s*-?\s*(?:s|sec|secs|second|seconds)))* (?:shot|take|clip)\b"
    r"|\bone(?: (?:continuous|single|unbroken|long|uncut|#+|\d+(?:[.,]\d+)?\s*-?\s*(?:s|sec|secs|second|seconds)))* (?:shot|take)\b|\bone-take\b|\boner\b"
    r"|\b(?:a |one )?(?:continuous|unbroken|uncut)(?: #+)? (?:shot|take)\b"
    r"|\bun (?:solo|unico) (?:plano|toma)\b|\buna (?:sola|unica) toma\b|\bplano secuencia\b|\btoma continua\b"
    r"|\bun seul plan\b|\bune seule prise\b|\bplan[- ]sequence\b"
    r"|\beine einzige einstellung\b|\bein(?:en)? einzige[nr]? (?:shot|take)\b|\bplansequenz\b|\bohne schnitt\b"
    r"|\bun(?:'| )unica inquadratura\b|\bun solo piano\b|\bpiano sequenza\b|\buna sola ripresa\b"
    r"|\bum (?:unico|so) plano\b|\bplano[- ]sequencia\b|\buma (?:unica|so) tomada\b"
    r"|一镜到底|一鏡到底|一个镜头|一個鏡頭|单个镜头|單個鏡頭|单一镜头|單一鏡頭|一段连续|一段連續|一个连续|一個連續"
    r"|ワンカット|ワンショット|ワンテイク|長回し|1 カット|1 ショット|一つのショット|원테이크|원컷|원 테이크|롱테이크|한 컷|한 장면|하나의 장면"
)

# -- captions and camera ---------------------------------------------------------------------

CAPTION_PATTERN = (
    r"\bcaption\w*|\bsubtitle\w*|\bsubtitul\w*|\bsous[- ]titre\w*|\buntertitel\w*|\btext overlay\w*"
    r"|\bon[- ]screen text\b|\bleyenda\w*|\blegende\w*|\bbeschriftung\w*|\bsottotitol\w*|\bdidascali\w*"
    r"|\btesto (?:a|sullo) schermo\b|\blegenda\w*|\btexto na tela\b|字幕|テロップ|キャプション|자막|캡션"
)
NO_CAPTION_PATTERN = (
    r"\bno (captions?|subtitles?|text)\b|\bwithout (captions?|subtitles?|text)\b|\bsin subtitulos\b|\bsans sous-titres\b"
    r"|\bohne untertitel\b|\bsenza sottotitoli\b|\bsem legendas?\b"
    r"|无字幕|無字幕|不要字幕|不加字幕|没有字幕|沒有字幕|不带字幕|不帶字幕|字幕なし|字幕無し|テロップなし|テロップ無し"
    r"|자막 없이|자막없이|자막 없는|자막 없음|자막은 빼"
)

CAMERA_PATTERNS: list[tuple[str, str]] = [
    (
        r"\bpush(es|ing)? in\b|\bzoom(s|ing)? in\b|\bdolly in\b|\bacercamiento\b|\bzoom avant\b|\bheranzoom\w*"
        r"|\bcarrellata in avanti\b|\bzoom in avanti\b|\baproximacao\b"
        r"|推近|推镜头|推鏡頭|镜头推进|鏡頭推進|推进镜头|推進鏡頭|ズームイン|ズーム イン|ドリーイン|줌인|줌 인|푸시 인",
        "push in",
    ),
    (
        r"\bpull(s|ing)? (out|back)\b|\bzoom(s|ing)? out\b|\bdolly out\b|\balejamiento\b|\bzoom arriere\b|\bherauszoom\w*"
        r"|\bcarrellata all'indietro\b|\bafastamento\b|拉远|拉遠|镜头拉远|鏡頭拉遠|ズームアウト|ズーム アウト|줌아웃|줌 아웃",
        "pull out",
    ),
    (
        r"\bpan(s|ning)? (to the )?left\b|\bpaneo a la izquierda\b|\bpanoramique (vers la |a )?gauche\b|\bschwenk nach links\b"
        r"|\bpanoramica (verso )?(a )?sinistra\b|\bpanoramica para a esquerda\b|\bpan para a esquerda\b"
        r"|左摇|左搖|向左摇|向左搖|镜头左移|鏡頭左移|左にパン|パン左|왼쪽으로 팬|왼쪽 팬",
        "pan left",
    ),
    (
        r"\bpan(s|ning)? (to the )?right\b|\bpaneo a la derecha\b|\bpanoramique (vers la |a )?droite\b|\bschwenk nach rechts\b"
        r"|\bpanoramica (verso )?(a )?destra\b|\bpanoramica para a direita\b|\bpan para a direita\b"
        r"|右摇|右搖|向右摇|向右搖|镜头右移|鏡頭右移|右にパン|パン右|오른쪽으로 팬|오른쪽 팬",
        "pan right",
    ),
    (r"\btilt(s|ing)? up\b|上摇|上搖|ティルトアップ|틸트 업|틸트업", "tilt up"),
    (r"\btilt(s|ing)? down\b|下摇|下搖|ティルトダウン|틸트 다운|틸트다운", "tilt down"),
    (
        r"\borbit\w*\b|\bcircl(e|ing) around\b|环绕镜头|環繞鏡頭|环绕拍摄|環繞拍攝|オービット|周回ショット|오빗|궤도 촬영",
        "orbit",
    ),
    (
        r"\bstatic( camera| shot)?\b|\blocked[- ]off\b|\bstill camera\b|\bcamara fija\b|\bfija\b|\bfixe\b|\bstatisch\w*"
        r"|\bcamera fissa\b|\binquadratura fissa\b|\bcamera fixa\b|固定镜头|固定鏡頭|固定机位|固定機位|固定カメラ|定点カメラ|고정 카메라|고정 샷",
        "static",
    ),
]

# "slow push in": a speed word that belongs to the camera move
CAMERA_SPEED = (
    r"(?:slow|slowly|gentle|smooth|quick|fast|lent|lente|lento|lenta|langsamem?|langsame[rn]?|sanfte[rn]?|veloce|rapido|rapida"
    r"|缓慢|緩慢|缓缓|緩緩|慢慢|ゆっくり|ゆっくりと|천천히)"
)

# -- what a request is (production words that are not content) --------------------------------

# "Make a ... video for", "crea un vídeo de", "fais une vidéo sur", "erstelle ein Video über" ...
FILLER_PATTERN = (
    r"^(please\s+)?(can you\s+|could you\s+|would you\s+)?(make|create|generate|produce|render|build|give me|i need|i want|we need|we want|i'd like|i would like|let's make|show me)\s+(me\s+|us\s+)?"
    r"|^(por favor\s+)?(haz|hazme|hacer|crea|creame|genera|generame|produce|necesito|quiero|queremos)\s+"
    r"|^(s'il te plait\s+)?(fais|faites|fais-moi|cree|creez|genere|genere-moi|je veux|je voudrais|il me faut)\s+"
    r"|^(bitte\s+)?(erstelle|erstellen sie|erstell|mach|mache|machen sie|generiere|ich brauche|ich mochte|wir brauchen)\s+(mir\s+|uns\s+)?"
    r"|^(per favore\s+)?(fai|fammi|crea|creami|genera|generami|realizza|voglio|vorrei|mi serve)\s+"
    r"|^(por favor\s+)?(faca|faz|faz-me|crie|cria|gere|gera|quero|queria|preciso de|preciso)\s+"
)
KIND_LINK = (
    r"(?:for|about|of|on|showing|that shows|where|in which|featuring|with|de|del|sobre|para|con|acerca de|que muestre"
    r"|pour|sur|du|des|montrant|avec|uber|von|fur|zum|zur|mit|das zeigt|wie|per|su|di|del|della|dello|sul|sulla|che mostra"
    r"|do|da|dos|das|sobre|para|com|mostrando|que mostra)"
)
# Chinese, Japanese, Korean framing: "帮我做一个...的视频", "...の動画を作って", "... 영상을 만들어 주세요"
CJK_VIDEO_NOUN = (
    r"(?:短视频|短視頻|宣传影片|宣傳影片|宣传视频|宣傳視頻|培训视频|培訓視頻|培训影片|培訓影片|教学视频|教學視頻|教学影片|教學影片|视频|視頻|影片|短片|广告片|廣告片|宣传片|宣傳片|广告|廣告|动画|動畫|教程视频|教程|教學|教学|培训|培訓"
    r"|分镜|分鏡|故事板|动态分镜|動態分鏡"
    r"|動画|映像|ムービー|ショート動画|広告動画|広告|プロモーション動画|プロモ動画|プロモ|CM|チュートリアル動画|チュートリアル|研修動画|研修用|研修|絵コンテ|アニマティック|ストーリーボード"
    r"|동영상|영상|비디오|광고 영상|광고|홍보 영상|홍보 동영상|튜토리얼 영상|튜토리얼|교육 영상|스토리보드|콘티|애니매틱)"
)
CJK_FRAMING_START = r"^(?:请|請|麻烦|麻煩|帮我|幫我|给我|給我|我想|我要|想要|我们需要|我們需要)?\s*(?:做|制作|製作|生成|拍|拍摄|拍攝|创建|創建|剪辑|剪輯|来|來)\s*(?:一个|一個|一段|一支|一部|个|個|段|支)?"
CJK_FRAMING_END = (
    r"(?:(?:を|が)?\s*(?:作って|作成して|作る|つくって|作りたい|生成して|制作して|お願い)(?:ください|下さい|ほしい|欲しい|します|いたします)?"
    r"|(?:을|를)?\s*(?:만들어|제작해|생성해|만들어줘|만들어 줘|부탁해)\s*(?:주세요|줘|주실래요|주십시오|줄래)?)[.。!！]?\s*(?=$|[:：,，、;；])"
)
# "animate these panels" in CJK: "このパネルを動かして", "把这些分镜做成动画", "애니메이션으로 만들어 줘"
CJK_ANIMATE = (
    r"(?:を|が)?\s*(?:動かして|アニメーションにして|アニメ化して|アニメにして)(?:ください|下さい|ほしい)?"
    r"|(?:做成|制作成|製作成|变成|變成)\s*(?:动画|動畫)|(?:을|를)?\s*애니메이션으로\s*(?:만들어|바꿔)\s*(?:주세요|줘)?"
)
# the verb and measure word of a CJK request's framing, before its video noun: "做一个产品[宣传片]"
CJK_MAKE_BEFORE_NOUN = r"(?:做|制作|製作|拍|拍摄|拍攝|生成|剪)\s*(?:一个|一個|一段|一支|一部|个|個|段|支)?\s*(?:产品|產品|品牌)?(?=\s*(?:的)?\s*"
CJK_FRAMING = f"{CJK_FRAMING_START}|{CJK_FRAMING_END}"
# links between the content and a CJK video noun: "关于...的", "...の", "...에 대한", "...을 보여주는"
CJK_LINK = (
    r"(?:关于|關於|介绍|介紹|展示|内容是|內容是|讲述|講述|描述|表现|表現|有关|有關|について|を紹介する|を見せる|を映した|に関する"
    r"|에 대한|에 관한|을 보여주는|를 보여주는|을 소개하는|를 소개하는|의)"
)

CJK_EDGE = r"(?:的|地|之|了|和|与|與|及|跟|并|並|用|在|把|给|給|为|為|の|を|で|に|は|が|と|へ|や|も|用の|向けの|向け|의|을|를|와|과|으로|에|、|，|。|：|:)"
# before a cut, measure words and framing verbs are left hanging too: "一个[15秒的抖音视频]"
CJK_TRAILING = (
    r"(?:一个|一個|一段|一支|一部|一条|一條|个|個|段|支|做|制作|製作|为我们|為我們|给我们|給我們|" + CJK_EDGE[3:]
)
# after a cut, the words linking the video to its content: "[广告，]介绍我们的新款跑鞋", "教你更换墨盒"
CJK_LEADING = (
    r"(?:介绍|介紹|展示|关于|關於|内容是|內容是|内容为|內容為|讲述|講述|有关|有關|教你|教大家|教|について|に関する|を紹介する"
    r"|에 대한|에 관한|" + CJK_EDGE[3:]
)

# prompt injection: a sentence that talks to the bot instead of describing a video
INJECTION_PATTERN = (
    r"\b(?:ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}\b(?:instructions?|rules?|prompts?|guidelines|directions)\b"
    r"|\b(?:reveal|show|print|tell me|repeat|output|display|give me|leak|share)\b[^.!?\n]{0,30}\b(?:system prompt|your prompt|your instructions|instructions|api[ _-]?key|secret|password|settings|configuration|credentials)\b"
    r"|\bsystem prompt\b|\byou are now\b|\bdeveloper mode\b|\bjailbreak\w*|\bdo anything now\b"
    r"|\bignora\w*\b[^.!?\n]{0,40}\b(?:instrucciones|reglas|istruzioni|regole|instrucoes|regras)\b"
    r"|\bignore[rz]?\b[^.!?\n]{0,40}\b(?:consignes|instructions|regles)\b|\bignoriere\w*\b[^.!?\n]{0,40}\b(?:anweisungen|regeln)\b"
    r"|\b(?:muestra|revela|montre|revele|zeige|verrate|mostra|rivela|mostre|revele)\b[^.!?\n]{0,30}\b(?:prompt|instrucciones|instructions|anweisungen|istruzioni|instrucoes|clave|cle|schlussel|chiave|chave)\b"
    r"|忽略[^。！？\n]{0,20}(?:指令|指示|说明|說明|规则|規則|提示)|系统提示|系統提示|提示词|提示詞|无视[^。！？\n]{0,20}(?:指令|规则)"
    r"|(?:指示|命令|ルール|プロンプト)を(?:無視|忘れ)|システムプロンプト|(?:지시|명령|규칙|프롬프트)[을를]? ?(?:무시|잊어)|시스템 프롬프트"
)

# -- look words the shot templates must not contradict ----------------------------------------

# light and time of day named by the user: the template's own light is then left out
LIGHT_PATTERN = (
    r"\b(?:night|nighttime|midnight|dusk|dawn|sunset|sunrise|twilight|golden hour|blue hour|moonlight|moonlit|candle\w*|neon"
    r"|lamplight|torchlight|firelight|backlit|silhouette\w*|shadows?|dark|darkness|dim|dimly|sunlight|sunny|sunlit|overcast"
    r"|foggy|misty|rainy|storm\w*|studio light\w*|spotlight\w*|flashlight|lantern|glow\w*|light\w*|lit"
    r"|noche|nocturn\w*|atardecer|amanecer|anochecer|luz|luces|sombra\w*|oscur\w*|velas?|soleado|niebla|lluvia"
    r"|nuit|crepuscule|aube|coucher de soleil|lever de soleil|lumiere\w*|ombre\w*|sombre|bougies?|brouillard|pluie"
    r"|nacht|abend\w*|dammerung|sonnenuntergang|sonnenaufgang|licht\w*|schatten|dunkel\w*|kerze\w*|nebel|regen"
    r"|notte|tramonto|alba|luce|luci|ombra|buio|scuro|candela|nebbia|pioggia"
    r"|noite|por do sol|nascer do sol|luz|sombra|escuro|vela|neblina|chuva)\b"
    r"|夜|晚上|傍晚|黄昏|黃昏|日落|日出|清晨|月光|烛光|燭光|霓虹|灯光|燈光|阳光|陽光|阴影|陰影|黑暗|昏暗|雨中|雾|霧"
    r"|夕方|夕暮れ|夕日|朝日|夜明け|月明かり|ろうそく|ネオン|ライト|光|影|暗い|薄暗い|霧|雨"
    r"|밤|저녁|새벽|노을|일몰|일출|달빛|촛불|네온|조명|햇빛|햇살|그림자|어둠|어두운|안개|비 오는|빗속"
)
# framing named by the user: the shot's own framing, so the template adds none
FRAMING_PATTERN = (
    r"\b(?:close[- ]?ups?|extreme close[- ]?up|macro|wide shot|wide angle|establishing shot|medium shot|full shot|aerial\w*"
    r"|drone shot|bird'?s[- ]eye|overhead|top[- ]down|low angle|high angle|pov|point of view|over the shoulder|tracking shot"
    r"|primer plano|plano general|plano medio|vista aerea|gros plan|plan large|plan d'ensemble|vue aerienne|plongee|contre-plongee"
    r"|nahaufnahme|totale|luftaufnahme|vogelperspektive|primo piano|campo lungo|vista aerea|ripresa aerea|plano aberto|close)\b"
    r"|特写|特寫|近景|远景|遠景|全景|航拍|俯拍|仰拍|俯视|俯視|クローズアップ|アップ|引きの|俯瞰|空撮|ロングショット|클로즈업|근접 촬영|항공 촬영|부감|와이드 샷"
)

# "how to ...", "comment ...", "하는 법": a training request's marker, not content of its shots
HOW_TO_PATTERN = (
    r"(?i)^(?:how to|how do you|how do i|como|cómo|comment|wie man|come si|come|como se)\s+"
    r"|(?:の(?:やり方|方法|仕方)|的方法|방법|하는 법|하는 방법)$"
)
