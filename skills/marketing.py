"""The marketing skill: product demos, promos and ads, with a brand kit and a call-to-action end card."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from botkit.domain import Shot, ShotMode, ShotPlan
from botkit.skills import PlanDefaults, Skill, SkillArgs, SkillConfig, SkillRequest, fold

# words asking for a call to action -> the default CTA in that language
_CTA_WORDS: tuple[tuple[str, str], ...] = (
    (r"\bcall[- ]to[- ]action\b|\bcta\b|\bend card\b|\bshop now\b|\bbuy now\b", "Shop now"),
    (r"\bllamada a la accion\b|\bcompra ya\b|\btarjeta final\b", "Compra ya"),
    (r"\bappel a l'action\b|\bachetez\b|\bcarton final\b", "Achetez maintenant"),
    (r"\bjetzt kaufen\b|\bhandlungsaufforderung\b|\babschlusskarte\b", "Jetzt kaufen"),
)
_HEX = r"^#[0-9a-fA-F]{6}$"


class MarketingArgs(SkillArgs):
    product: str | None = Field(default=None, max_length=120, description="Product name shown in the video.")
    cta: str | None = Field(default=None, max_length=60, description='Call to action on the end card, e.g. "Shop now".')


class BrandKit(SkillConfig):
    """A workspace's brand: used in every marketing plan."""

    brand_name: str | None = Field(default=None, max_length=80)
    colours: list[str] = Field(default_factory=list, max_length=4, description="Brand colours as #RRGGBB.")
    logo: str | None = Field(default=None, description="Logo image (asset path); the end card animates it.")
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
        "the brand kit sets colours and an end card with a call to action. 16:9 unless a platform is named."
    )
    priority = 40
    keywords = (
        r"\bad\b|\bads\b|\badvert\w*|\bpromo\w*|\bcommercial\b|\bproduct\w*|\bteaser\b|\blaunch\w*",
        r"\banuncio\w*|\bpublicidad\b|\bproducto\w*|\blanzamiento\b|\bcomercial\b",
        r"\bpublicite\w*|\bpub\b|\bproduit\w*|\blancement\b|\bannonce\b",
        r"\bwerbung\w*|\bwerbespot\w*|\bwerbevideo\w*|\bprodukt\w*|\beinfuhrung\b|\bmarkteinfuhrung\b",
    )
    defaults = PlanDefaults(platforms=("youtube",), total_s=15.0, shot_s=4.0, shots=3, captions=False)
    Args = MarketingArgs
    Config = BrandKit

    def plan(self, draft: ShotPlan, request: SkillRequest, args: MarketingArgs, config: BrandKit) -> ShotPlan:
        style = draft.style
        if config.colours:
            style = f"{style}, brand colours {' '.join(config.colours)}"[:200]
        cta = args.cta or config.cta
        if cta is None:
            folded = fold(request.text)
            cta = next((default for pattern, default in _CTA_WORDS if re.search(pattern, folded)), None)
        shots = list(draft.shots)
        if cta and config.end_card and len(shots) >= 2:
            shots[-1] = self._end_card(shots[-1], cta, args.product or config.brand_name, config)
        title = draft.title
        if args.product:
            title = f"Promo: {args.product}"[:120]
        return draft.model_copy(update={"style": style, "shots": shots, "title": title})

    @staticmethod
    def _end_card(last: Shot, cta: str, brand: str | None, config: BrandKit) -> Shot:
        who = f"{brand} logo" if brand else "the logo"
        colours = f" on {' and '.join(config.colours)}" if config.colours else " on a clean background"
        return Shot(
            index=last.index,
            prompt=f"end card: {who} centred{colours}, the words '{cta}'",
            negative_prompt=last.negative_prompt,
            duration_s=last.duration_s,
            mode=ShotMode.IMAGE_TO_VIDEO if config.logo else ShotMode.TEXT_TO_VIDEO,
            image=config.logo,
            camera="static",
            seed=last.seed,
            caption=cta,
        )
