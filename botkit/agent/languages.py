"""Which language a request is written in (by script, then by common words), and the planner's
questions to the user in that language. No model: CJK by script and a few hundred characters,
Latin-script languages by their commonest function words."""

from __future__ import annotations

import re
from collections import Counter

from botkit.skills.text import fold

LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "ja", "zh-Hans", "zh-Hant", "ko")

# characters written differently in simplified and traditional Chinese (the commonest in requests)
_SIMPLIFIED = set(
    "这个们视频镜头广告时为说门车发书东长马鸟鱼龙飞云电灯点红绿蓝黄色里来对过还进让给从后样机产品动画乐欢宝园场开关间边远头脸兴买卖网页户简单图过贝壳风轮转环际运钟钱铁银锅"
)
_TRADITIONAL = set(
    "這個們視頻鏡頭廣告時為說門車發書東長馬鳥魚龍飛雲電燈點紅綠藍黃色裡來對過還進讓給從後樣機產品動畫樂歡寶園場開關間邊遠頭臉興買賣網頁戶簡單圖過貝殼風輪轉環際運鐘錢鐵銀鍋"
)
_SIMPLIFIED -= _TRADITIONAL
_TRADITIONAL -= _SIMPLIFIED

_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the a an and of with for on in at to is are our my this that video make show from into its his her".split()
    ),
    "es": frozenset(
        "el la los las un una unos y de del con para en por que es nuestro nuestra haz crea video sobre muy se al".split()
    ),
    "fr": frozenset(
        "le la les un une des et de du avec pour sur dans qui est notre nos fais cree video au aux ce cette".split()
    ),
    "de": frozenset(
        "der die das ein eine einen und mit fur auf im in von ist unser unsere erstelle mach video uber den dem zum".split()
    ),
    "it": frozenset(
        "il lo la gli le un una uno e di del della con per su nel che nostro nostra fai crea video sul alla dei".split()
    ),
    "pt": frozenset(
        "o a os as um uma e de do da dos das com para em no na que nosso nossa faca crie video pela pelo ao".split()
    ),
}
# words found in one language only, so "una" (es/it) or "de" (es/fr/pt) do not decide alone
_DISTINCT: dict[str, frozenset[str]] = {
    "en": frozenset("the and with our of my make seconds second".split()),
    "es": frozenset(
        "el los las y del nuestro nuestra nuestras haz muy segundos escenas anuncio crea hazme tomas".split()
    ),
    "fr": frozenset(
        "les des et du avec pour sur dans notre nos fais secondes comment tutoriel cree publicite chacun".split()
    ),
    "de": frozenset(
        "der die das und mit fur auf ist unser unsere erstelle mach uber sekunden anleitung schulung wie".split()
    ),
    "it": frozenset(
        "il lo gli della nel che nostro nostra fai sul alla dei di per secondi come formazione tavole".split()
    ),
    "pt": frozenset("os um uma do da dos das nosso nossa faca pela pelo ao cenas legendas treinamento quadros".split()),
}


def detect(text: str, default: str = "en") -> str:
    """ "ja", "zh-Hans", "zh-Hant", "ko", "en", "es", "fr", "de", "it" or "pt"; ``default`` when unsure."""
    if re.search(r"[\uac00-\ud7af]", text):
        return "ko"
    if re.search(r"[\u3040-\u30ff]", text):
        return "ja"
    han = re.findall(r"[\u4e00-\u9fff]", text)
    if han:
        simplified = sum(c in _SIMPLIFIED for c in han)
        traditional = sum(c in _TRADITIONAL for c in han)
        return "zh-Hant" if traditional > simplified else "zh-Hans"
    tokens = re.findall(r"[a-z']+", fold(text))
    if not tokens:
        return default
    scores: Counter[str] = Counter()
    for token in tokens:
        for language, vocabulary in _FUNCTION_WORDS.items():
            if token in vocabulary:
                scores[language] += 1 + 2 * (token in _DISTINCT[language])
    if not scores:
        return default
    best, score = scores.most_common(1)[0]
    return best if score > 0 else default


def is_cjk_language(language: str) -> bool:
    return language in {"ja", "zh-Hans", "zh-Hant", "ko"}


# what the planner asks when a request shows nothing (emoji only, punctuation, only "make a video")
ASK_WHAT: dict[str, str] = {
    "en": 'What should the video show? Describe it in a few words, e.g. "a 10 second TikTok of our new trail shoes '
    'splashing through a puddle".',
    "es": '¿Qué debe mostrar el vídeo? Descríbelo en pocas palabras, p. ej. "un TikTok de 10 segundos de nuestras '
    'zapatillas nuevas pisando un charco".',
    "fr": "Que doit montrer la vidéo ? Décrivez-la en quelques mots, par ex. « un TikTok de 10 secondes de nos "
    "nouvelles chaussures qui traversent une flaque ».",
    "de": "Was soll das Video zeigen? Beschreiben Sie es in ein paar Worten, z. B. „ein 10 Sekunden TikTok von "
    "unseren neuen Laufschuhen, die durch eine Pfütze laufen“.",
    "it": 'Che cosa deve mostrare il video? Descrivilo in poche parole, ad es. "un TikTok di 10 secondi delle nostre '
    'nuove scarpe che attraversano una pozzanghera".',
    "pt": 'O que o vídeo deve mostrar? Descreva em poucas palavras, por ex. "um TikTok de 10 segundos dos nossos '
    'tênis novos pisando numa poça".',
    "ja": "動画に何を映しますか？ 例：「新しいトレイルシューズが水たまりを駆け抜ける10秒のTikTok動画」のように、数語で説明してください。",
    "zh-Hans": "视频要展示什么内容？请用几句话描述，例如：“一段10秒的抖音视频，我们的新款跑鞋踩过水坑”。",
    "zh-Hant": "影片要呈現什麼內容？請用幾句話描述，例如：「一段10秒的抖音影片，我們的新款跑鞋踩過水坑」。",
    "ko": '영상에 무엇을 담을까요? 몇 단어로 설명해 주세요. 예: "새 트레일 러닝화가 물웅덩이를 밟고 지나가는 10초 틱톡 영상".',
}
# what the planner says when a request only talks to the bot ("ignore your instructions ...")
ONLY_INSTRUCTIONS: dict[str, str] = {
    "en": "I make videos from descriptions and can't change or share my instructions.",
    "es": "Hago vídeos a partir de descripciones y no puedo cambiar ni compartir mis instrucciones.",
    "fr": "Je crée des vidéos à partir de descriptions et ne peux ni modifier ni partager mes instructions.",
    "de": "Ich mache Videos aus Beschreibungen und kann meine Anweisungen weder ändern noch weitergeben.",
    "it": "Creo video a partire da descrizioni e non posso cambiare né condividere le mie istruzioni.",
    "pt": "Eu faço vídeos a partir de descrições e não posso mudar nem compartilhar minhas instruções.",
    "ja": "説明文から動画を作ります。指示の変更や公開はできません。",
    "zh-Hans": "我根据描述制作视频，不能更改或透露我的指令。",
    "zh-Hant": "我根據描述製作影片，不能更改或透露我的指令。",
    "ko": "설명을 바탕으로 영상을 만들며, 제 지시 사항은 바꾸거나 공개할 수 없습니다.",
}
