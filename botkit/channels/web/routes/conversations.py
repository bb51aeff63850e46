"""Conversations: start one, send a follow-up (multipart, with images), read its history."""

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Header, Request, UploadFile

from botkit.bot import Queue, Turn
from botkit.domain.plan import PLATFORM_IDS, Limits
from botkit.store.inbound import Delivery

from ..schemas import ConversationOut, TurnOut
from ..services import Current, Services, site_badge
from .common import ERRORS, PREFIX

router = APIRouter(prefix=PREFIX, responses=ERRORS)

Text = Annotated[str, Form(min_length=1, max_length=Limits.MAX_REQUEST_CHARS, description="The message.")]
Images = Annotated[list[UploadFile], File(description="Images (PNG, JPEG, WebP), e.g. storyboard panels.")]
Platforms = Annotated[list[str], Form(description="Target platforms: " + ", ".join(PLATFORM_IDS) + " (repeatable).")]
Skill = Annotated[str | None, Form(max_length=40, description="marketing | social | storyboard | training")]
Seed = Annotated[int | None, Form(ge=0, lt=2**32)]
Preview = Annotated[
    Literal["auto", "on", "off"] | None,
    Form(
        description="Preview first: on, off, auto (by skill: storyboard, marketing). Absent: only while "
        "a preview waits in the conversation (a change previews again)."
    ),
]
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]


@router.post("/conversations", response_model=TurnOut, status_code=201, summary="Start a conversation")
def create_conversation(
    services: Services,
    principal: Current,
    text: Text,
    images: Images = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    platforms: Platforms = [],  # noqa: B006
    skill: Skill = None,
    seed: Seed = None,
    idempotency_key: IdemKey = None,
    preview: Preview = None,
) -> TurnOut:
    platforms = services.check_platforms(platforms)
    services.count_message(principal)
    services.check_job_limit(principal)
    bot = services.bot

    def work(key: str | None, delivery: Delivery | None, turn: Turn | None) -> TurnOut:
        if turn is None:
            # uploads live in the store's staging area, so a request that dies leaves
            # nothing the start-up sweep does not find
            with bot.assets.staging(prefix="upload-") as folder:
                paths = services.save_uploads(images, folder)
                turn = bot.plan(
                    text,
                    images=paths,
                    platforms=platforms,
                    skill=skill or None,
                    seed=seed,
                    channel="web",
                    owner=principal.owner,
                    delivery=delivery,
                    ai_badge=site_badge(principal.site),
                    tenant=f"site:{principal.site.site_key}",  # its media library and brand kit
                    # turn + job + queued event in one commit, unless it is previewed first
                    queue=Queue(key, services.job_limit(principal), when=services.render_now(None, preview)),
                )
        return services.start(turn, key, principal, preview, new=True)

    return services.once(principal, idempotency_key, work)


@router.post(
    "/conversations/{conversation_id}/messages",
    response_model=TurnOut,
    status_code=201,
    summary="Send a follow-up (revises the latest plan) and render it",
)
def post_message(
    conversation_id: str,
    services: Services,
    principal: Current,
    text: Text,
    images: Images = [],  # noqa: B006
    platforms: Platforms = [],  # noqa: B006
    skill: Skill = None,
    seed: Seed = None,
    idempotency_key: IdemKey = None,
    preview: Preview = None,
) -> TurnOut:
    services.owned_conversation(principal, conversation_id)
    platforms = services.check_platforms(platforms)
    services.count_message(principal)
    services.check_job_limit(principal)
    bot = services.bot

    def work(key: str | None, delivery: Delivery | None, turn: Turn | None) -> TurnOut:
        if turn is None:
            with bot.assets.staging(prefix="upload-") as folder:
                paths = services.save_uploads(images, folder)
                turn = bot.follow_up(
                    conversation_id,
                    text,
                    images=paths,
                    platforms=platforms,
                    skill=skill or None,
                    seed=seed,
                    delivery=delivery,
                    queue=Queue(key, services.job_limit(principal), when=services.render_now(conversation_id, preview)),
                    tenant=f"site:{principal.site.site_key}",
                )
        return services.start(turn, key, principal, preview)

    return services.once(principal, idempotency_key, work)


@router.get("/conversations/{conversation_id}", response_model=ConversationOut, summary="History and assets")
def get_conversation(conversation_id: str, services: Services, principal: Current, request: Request) -> ConversationOut:
    row = services.owned_conversation(principal, conversation_id)
    return services.views.conversation(services.base_url(request), principal.site, row)
