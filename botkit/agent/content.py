"""The content words of a request (objects, people, places, actions, colours, directions, light,
mood), and a check that shot prompts kept them.

Content words are what is left of the description (``subject.description``: production phrases
out) once function words are dropped. Latin scripts split on spaces; Korean on spaces with the
particle taken off ("해변에서" -> "해변"); Japanese keeps its kanji, katakana and Latin runs (the
hiragana between them is mostly grammar); Chinese splits at function characters (的, 在, 和 ...).
No segmenter model: the lists below are the whole method, so a miss is a missing word in a list.
"""

from __future__ import annotations

import re

from botkit.agent import languages, words

# function words per language; a request is read with its own language's list and English's
# (requests mix in English words), so "seine" (German "his") stays content in "la Seine"
_STOP_WORDS: dict[str, str] = {
    "en": """a an the and or but nor so yet of in on at to for from by with without into onto over under through across
    along around about above below behind beside between near toward towards off out than then also too very just
    really quite some any each every all both this that these those it its it's itself he him his she her hers they them
    their theirs we us our ours you your yours i me my mine who whom whose which what where when while as is are was were
    be been being am has have had do does did will would can could should may might must shall there here not no one's
    ones like such other another more most much many few own same again once how why if because until after before
    during per via etc please make show shows showing create video first firstly next finally afterwards""",
    "es": """el la los las lo un una unos unas y e o u ni pero sino de del al a en con sin por para sobre entre hacia
    hasta desde que quien cuyo cual como cuando donde mientras es son era fue ser estar esta estan este estos estas ese
    esa esos esas su sus mi mis tu tus nuestro nuestra nuestros nuestras se le les me te nos muy mas tambien ya hay
    primero luego despues finalmente""",
    "fr": """le la les un une des et ou ni mais de du au aux a en dans avec sans par pour sur sous entre vers chez que
    qui quoi dont quand comme est sont etait etre ce cet cette ces son sa ses mon ma mes ton ta tes notre nos votre vos
    leur leurs se lui y il elle ils elles on tres plus aussi deja peu l d qu s n c j m t d'abord ensuite puis enfin
    comment""",
    "de": """der die das den dem des ein eine einen einem einer eines und oder aber von zu zum zur im in an am auf aus
    bei mit nach seit uber unter vor hinter neben zwischen durch fur gegen ohne um als wie wo wenn dass ist sind war
    waren sein hat haben wird werden sich sie er es ihr ihre ihren ihrem seine seinen seinem unser unsere unseren
    unserem mein meine sehr auch noch schon dann da hier dort zuerst danach schliesslich man""",
    "it": """il lo la i gli le un uno una e ed o ma di del dello della dei degli delle al allo alla ai agli alle da dal
    dallo dalla dai dagli dalle in nel nello nella nei negli nelle con su sul sullo sulla sui sugli sulle per tra fra
    che chi cui come quando dove mentre sono era essere questo questa questi queste quello quella suo sua suoi sue mio
    mia nostro nostra nostri nostre si ci molto piu anche gia prima poi quindi infine""",
    "pt": """o a os as um uma uns umas e ou mas de do da dos das em no na nos nas num numa nuns numas com sem por pelo
    pela pelos pelas para sobre entre ate desde que quem qual como quando onde enquanto sao era ser estar esta estao
    este estes estas esse essa seu sua seus suas meu minha nosso nossa nossos nossas se lhe muito mais tambem ja ao
    aos primeiro depois entao finalmente""",
}
_STOP: dict[str, frozenset[str]] = {
    language: frozenset(listed.split()) | frozenset(_STOP_WORDS["en"].split())
    for language, listed in _STOP_WORDS.items()
}
_ALL_STOP = frozenset().union(*_STOP.values())
_NUMBERS = frozenset(words.NUMBER_WORDS) | frozenset(words.ORDINALS)
_ZH_FUNCTION = re.compile(
    r"第\s*[一二三四五六七八九十\d]+\s*(?:步|个|個|格|幅|张|張)?|如何|怎么|怎麼|怎样|怎樣|教你|教大家|一场|一場|一艘|一隻|一只|一支|一段"
    r"|一个|一個|一只|一隻|一条|一條|一位|一辆|一輛|一块|一塊|一杯|一片|一座|一群|一张|一張|一些|一把|一朵|一棵|一艘|一架|一名|一道|一頭|一头"
    r"|我们的|我們的|我们|我們|你们|你們|他们|他們|她们|她們|它们|它們|这个|這個|那个|那個|这些|這些|那些|正在|然后|然後|接着|接著|并且|並且|一边|一邊|以及|还有|還有"
    r"|[的得了着著过過在和与與及或把被从從往到给給为為是有这這那我你他她它们們很也都就又再并並而之其于於呢吗嗎吧啊个個只条條位辆輛上里裡中]"
)
_JA_CONTENT = re.compile(
    r"[\u4e00-\u9fff\u3400-\u4dbf々〆ヵヶ]+(?:(?![がのをにはでとへもや])[\u3040-\u309f]){0,3}|[\u30a0-\u30ffー]+|[a-z0-9][a-z0-9'-]*"
)
_JA_KANJI_ONLY = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf々]+")
_KO_PARTICLES = re.compile(
    r"(?:에서부터|으로부터|에게서|에서는|에서도|으로는|이라는|라는|처럼|까지|부터|에서|에게|한테|으로|이랑|하고|보다|마다|에는|에도|은|는|이|가|을|를|의|에|로|와|과|도|만|랑)$"
)
_KO_STOP = frozenset(
    "그리고 그 이 저 그녀 그는 그것 및 또는 아주 매우 정말 우리 우리의 저희 저희의 한 두 세 네 것 수 등 더 중 다음 때 법 방법 번째 먼저 "
    "마지막으로 다음으로".split()
)
_KO_ENDINGS = re.compile(
    r"(?:하는|하고|한다|하며|해서|하면서|는다|ㄴ다|는|은|고|며|면서|다|아|어|여|게|니|지|던|ㄴ|ㄹ|하)$"
)


def _latin_words(text: str, language: str) -> list[str]:
    stop = _STOP.get(language, _ALL_STOP)
    found = []
    for token in re.findall(r"[^\W\d_][\w'’-]*", text):
        bare = token.strip("'’-")
        # "d'oliva", "l'écran": the word after the elision; "we're", "bakery's": the word before
        elided = re.match(
            r"^(?:l|d|qu|s|n|c|j|m|t|dell|all|sull|nell|dall|un|dell|quell)['’](.+)$", bare, re.IGNORECASE
        )
        if elided:
            bare = elided.group(1)
        bare = re.sub(r"['’](?:s|re|ve|ll|d|t|m)$", "", bare, flags=re.IGNORECASE)
        key = words.fold(bare)
        if len(key) < 2 or key in stop or key in _NUMBERS or key.isdigit():
            continue
        found.append(bare)
    return found


def _korean_words(text: str) -> list[str]:
    found = []
    for token in re.findall(r"[가-힣]+", text):
        stem = _KO_PARTICLES.sub("", token)
        if not stem or stem in _KO_STOP or token in _KO_STOP:
            continue
        found.append(stem)
    return found


_JA_STOP = frozenset({"ー", "番目", "方法", "やり方", "仕方", "まず", "次", "最後"})


def _japanese_words(text: str) -> list[str]:
    return [match.group(0) for match in _JA_CONTENT.finditer(words.fold(text)) if match.group(0) not in _JA_STOP]


def _chinese_words(text: str) -> list[str]:
    pieces = re.split(r"[\s,.;:!?，。；：！？、“”\"'（）()《》「」]+", _ZH_FUNCTION.sub(" ", text))
    return [piece for piece in pieces if piece and re.search(r"[\u4e00-\u9fff]", piece)]


def words_of(text: str, language: str | None = None) -> list[str]:
    """The content words of a piece of content text, in order, each once (by folded form).
    ``language``: the request's (its function words are left out); default: detected."""
    language = language or languages.detect(text)
    found: list[str] = []
    latin = re.sub(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+", " ", text)
    found += _latin_words(latin, language)
    if re.search(r"[\uac00-\ud7af]", text):
        found += _korean_words(text)
    if re.search(r"[\u3040-\u30ff]", text):
        found += _japanese_words(re.sub(r"[a-zA-Z0-9]+", " ", text))
    elif re.search(r"[\u4e00-\u9fff]", text):
        found += _chinese_words(text)
    unique: dict[str, str] = {}
    for word in found:
        unique.setdefault(words.fold(word), word)
    return list(unique.values())


def _stem_match(word: str, tokens: set[str]) -> bool:
    # "walks" is kept by "walking", "castle" by "castles": the same stem, a different ending
    if word in tokens:
        return True
    if len(word) < 4:
        return any(token == word + "s" or token == word + "es" for token in tokens)
    stem = word[: max(4, len(word) - 2)]
    return any(
        token.startswith(stem) or (len(token) >= 4 and word.startswith(token[: max(4, len(token) - 2)]))
        for token in tokens
    )


def _cjk_present(word: str, text: str) -> bool:
    if word in text:
        return True
    if re.fullmatch(r"[가-힣]+", word):  # a Korean stem: its first syllables, any particle or ending
        stem = _KO_ENDINGS.sub("", _KO_PARTICLES.sub("", word) or word) or word
        return len(stem) >= 1 and stem in text
    kanji = _JA_KANJI_ONLY.match(word)
    if kanji and kanji.group(0) != word and kanji.group(0) in text:  # "動く" kept as "動いて"
        return True
    if len(word) >= 4:  # "金毛寻回犬" kept as "金毛的寻回犬": one character pair in three may differ
        pairs = [word[i : i + 2] for i in range(len(word) - 1)]
        return sum(pair not in text for pair in pairs) <= len(pairs) // 3
    return False


def is_kept(word: str, prompts: str) -> bool:
    """Whether ``word`` (a content word) is in the folded ``prompts`` text, allowing another ending."""
    folded = words.fold(word)
    if re.search(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]", folded):
        return _cjk_present(folded, prompts)
    tokens = set(re.findall(r"[^\W_][\w-]*", prompts))  # "d'oliva" is "d" and "oliva"
    return _stem_match(folded, tokens)
