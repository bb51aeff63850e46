"""Every sentence the Slack bot says to people, kept together."""

from __future__ import annotations

HELP = (
    "Tell me what video to make, e.g. `@botkit a 10 second TikTok teaser for our trail shoes`, "
    "or `/video storyboard animate these panels` with images attached. "
    'Reply in the thread to change the plan ("make it 5 seconds", "vertical for TikTok too", '
    '"shot 2 should pan left", "another take").'
)
EMPTY_REQUEST = "What should the video show? " + HELP
QUEUED = ":hourglass_flowing_sand: Queued for rendering…"
STARTED = ":clapper: Rendering started…"
POST = ":scissors: Cutting and encoding for {platforms}…"
UPLOADING = ":outbox_tray: Uploading the video…"
DONE = ":white_check_mark: Done: {outputs}."
FAILED = ":x: Rendering failed: {error}"
CANCELLED = ":no_entry_sign: Cancelled."
RETRYING = ":repeat: Retrying after a worker problem ({reason})…"
RENDERING = ":film_frames: Rendering shot {shot} of {shots} ({percent}%)…"
AWAITING_APPROVAL = "Approve the plan to start rendering."
APPROVED_BY = "Approved by <@{user}>."
REFUSED = ":warning: {reason}"
TROUBLE = ":warning: Something went wrong on my side ({error}). Please try again."
UPLOAD_FAILED = ":warning: The video is ready but could not be uploaded here ({error})."
NOT_IN_CHANNEL = "Invite me to this channel first (`/invite @botkit`), then try again."
APPROVAL_SETTING = "Approve-before-render is now *{state}* for this workspace."
APPROVAL_USAGE = "Use `/video approve on` or `/video approve off`."
