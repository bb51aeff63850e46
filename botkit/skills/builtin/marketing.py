"""The marketing skill: product demos, promos and ads, with a brand kit and a call-to-action end card."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, field_validator

from botkit.domain import EndCard, ShotPlan
from botkit.skills import PlanDefaults, Skill, SkillArgs, SkillConfig, SkillRequest, call_to_action, fold

# words asking for a call to action -> the default CTA in that language
_CTA_WORDS: tuple[tuple[str, str], ...] = (
    (r"\bcall[- ]to[- ]action\b|\bcta\b|\bend card\b|\bshop now\b|\bbuy now\b", "Shop now"),
    (r"\bllamada a la accion\b|\bcompra ya\b|\btarjeta final\b", "Compra ya"),
    (r"\bappel a l'action\b|\bachetez\b|\bcarton final\b", "Achetez maintenant"),
    (r"\bjetzt kaufen\b|\bhandlungsaufforderung\b|\babschlusskarte\b", "Jetzt kaufen"),
    (r"\binvito all'azione\b|\bacquista ora\b|\bcartolina finale\b", "Acquista ora"),
    (r"\bchamada para (?:a )?acao\b|\bcompre ja\b|\bcartao final\b", "Compre já"),
    (r"行动号召|结尾卡|片尾卡", "立即购买"),
    (r"行動號召|結尾卡|片尾卡", "立即購買"),
    (r"行動喚起|エンドカード|コールトゥアクション", "今すぐ購入"),
    (r"행동 유도|엔드 카드|클로징 카드", "지금 구매하세요"),
)
_HEX = r"^#[0-9a-fA-F]{6}$"


class MarketingArgs(SkillArgs):
    product: str | None = Field(default=None, max_length=120, description="Product name shown in the video.")
    cta: str | None = Field(default=None, max_length=60, description='Call to action on the end card, e.g. "Shop now".')


class BrandKit(SkillConfig):
    """A workspace's brand: used in every marketing plan."""

    brand_name: str | None = Field(default=None, max_length=80)
    colours: list[str] = Field(
        default_factory=list, max_length=4, description="Brand colours as #RRGGBB: card background, then accent."
    )
    logo: Path | None = Field(default=None, description="Logo image drawn on the end card.")
    url: str | None = Field(default=None, max_length=120, description="Web address shown on the end card.")
    cta: str | None = Field(default=None, max_length=60, description="Default call to action.")
    end_card: bool = Field(default=True, description="End on a call-to-action card when a CTA is known.")

    @field_validator("colours")
    @classmethod
    def _hex_colours(cls, value: list[str]) -> list[str]:
        bad = [colour for colour in value if not re.match(_HEX, colour)]
        if bad:
            raise ValueError(f"colours must look like #1A2B3C, got {bad}")
        return value


class MarketingSkill(Skill):
    name = "marketing"
    label = "Promo"
    description = (
        "Product demos, promos, ads and launch teasers. Product images become image-to-video shots; "
        "the brand kit sets colours and a drawn end card (name, logo, call to action). 16:9 unless a platform is named."
    )
    priority = 40
    keywords = (
        r"\bad\b|\bads\b|\badvert\w*|\bpromo\w*|\bcommercial\b|\bproduct\w*|\bteaser\b|\blaunch\w*",
        r"\banuncio\w*|\bpublicidad\b|\bproducto\w*|\blanzamiento\b|\bcomercial\b",
        r"\bpublicite\w*|\bpub\b|\bproduit\w*|\blancement\b|\bannonce\b",
        r"\bwerbung\w*|\bwerbespot\w*|\bwerbevideo\w*|\bprodukt\w*|\beinfuhrung\b|\bmarkteinfuhrung\b",
        r"\bpubblicita\b|\bspot\b|\bprodott[oi]\b|\blancio\b|\bpromozional\w*",
        r"\bpublicidade\b|\bpropaganda\b|\bproduto\w*|\blancamento\b|\bpromocional\b",
        r"广告|廣告|宣传片|宣傳片|宣传|宣傳|推广|推廣|产品|產品|商品|新品|新款",
        r"広告|宣伝|プロモ|商品|製品|新製品|発売|cm",
        r"광고|홍보|제품|상품|출시|프로모션",
    )
    defaults = PlanDefaults(
        platforms=("youtube",), total_s=15.0, shot_s=4.0, shots=3, captions=False, narration="voiceover", music="bright"
    )
    preview_first = True  # agencies approve an animatic before paying for a render
    Args = MarketingArgs
    Config = BrandKit

    def plan(self, draft: ShotPlan, request: SkillRequest, args: MarketingArgs, config: BrandKit) -> ShotPlan:
        style = draft.style
        if config.colours:
            style = f"{style}, brand colours {' '.join(config.colours)}"[:200]
        # the request's own line ("End on 'Order today'") beats the brand kit's default CTA
        asked = call_to_action(request.text)
        cta = args.cta or (asked.text[:60] if asked and asked.text else None) or config.cta
        if cta is None:
            folded = fold(request.text)
            cta = next((default for pattern, default in _CTA_WORDS if re.search(pattern, folded)), None)
        end_card = draft.end_card
        notes = list(draft.notes)
        wants_card = bool(cta) or (asked is not None and (asked.wants_url or asked.wants_logo))
        if wants_card and config.end_card:
            name = args.product or config.brand_name or draft.title.split(": ", 1)[-1]
            end_card = self._end_card(cta or "", name, config, url=asked.url if asked else "")
            if asked is not None and asked.wants_url and not end_card.url:
                notes.append("the end card has no web address: set url in the brand kit (or write it in the request)")
            if asked is not None and asked.wants_logo and not end_card.logo:
                notes.append("the end card has no logo: set logo in the brand kit")
        title = draft.title
        if args.product:
            title = f"Promo: {args.product}"[:120]
        return draft.model_copy(update={"style": style, "title": title, "end_card": end_card, "notes": notes[:8]})

    @staticmethod
    def _end_card(cta: str, name: str, config: BrandKit, url: str = "") -> EndCard:
        """The brand card post-processing draws over the last seconds: crisp text and logo, which a
        video model would garble."""
        colours = {}
        if config.colours:
            background = config.colours[0]
            colours = {"background": background, "foreground": _readable_on(background)}
            if len(config.colours) > 1:
                colours["accent"] = config.colours[1]
        return EndCard(
            name=name[:80] or "our brand",
            cta=cta,
            url=(url or config.url or "")[:120],
            logo=str(config.logo) if config.logo else None,
            **colours,
        )


def _readable_on(background: str) -> str:
    """Near-black or white text, whichever contrasts more with ``background`` (#RRGGBB, WCAG 2 ratio)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(background[i : i + 2], 16)) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#111111" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#FFFFFF"
