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
NARRATION = ":studio_microphone: Narration spoken; {detail}"
AWAITING_APPROVAL = "Approve the plan to start rendering."
APPROVED_BY = "Approved by <@{user}>."
REFUSED = ":warning: {reason}"
TROUBLE = ":warning: Something went wrong on my side ({error}). Please try again."
UPLOAD_FAILED = ":warning: The video is ready but could not be uploaded here ({error})."
NOT_IN_CHANNEL = "Invite me to this channel first (`/invite @botkit`), then try again."
APPROVAL_SETTING = "Approve-before-render is now *{state}* for this workspace."
APPROVAL_USAGE = "Use `/video approve on` or `/video approve off`."

# -- the AI app: assistant threads, streamed replies, App Home ---------------------------------
PROMPTS_TITLE = "Try one of these:"
PROMPT = "a {seconds:g} second {label} for {platform} about {subject}"
STATUS_PLANNING = "is planning your video…"
STATUS_QUEUED = "is waiting for a free renderer…"
STATUS_RENDERING = "is rendering shot {shot} of {shots}…"
STATUS_NARRATION = "is timing the shots to the narration…"
STATUS_POST = "is cutting and encoding for {platforms}…"
STATUS_UPLOADING = "is uploading the video…"
STREAM_PLAN = "**{title}**: {summary}"  # standard markdown (streams), not mrkdwn
STREAM_CONTINUED = "_Progress continues in a new message below._"
TASK_SHOT = "Shot {shot}: {prompt}"
TASK_POST = "Cut and encode for {platforms}"
FEEDBACK_POSITIVE = "Good video"
FEEDBACK_NEGATIVE = "Not what I wanted"
FEEDBACK_SAVED = "Thanks, noted: {verdict}."
HOME_TITLE = "botkit"
HOME_BRAND = "*Brand kit and defaults* for this workspace"
HOME_EDIT = "Edit brand kit and defaults"
HOME_RECENT = "*Recent videos*"
HOME_NONE = "No videos yet. Mention me in a channel, DM me, or open me in the AI assistant panel."
HOME_UNSET = "_not set_"
SETTINGS_TITLE = "Brand kit and defaults"
SETTINGS_SAVE = "Save"
SETTINGS_SAVED = "Saved. New plans in this workspace use this brand kit."

# content credentials (issue 18)
CREDENTIALS_BUTTON = "Content credentials"
CREDENTIALS_NONE = "I have no videos of that job to check."
CREDENTIALS_HEADER = "*Content credentials* (C2PA) of these videos:"
# -- preview first -----------------------------------------------------------------------------
PREVIEW_READY = (
    ":eyes: Preview ready ({outputs}): an animatic of the plan, no diffusion yet. "
    "Approve to render it for real (the same shots and timing), Revise to change it, or Cancel."
)
PREVIEW_APPROVED_BY = "Approved by <@{user}>: rendering now."
PREVIEW_ALREADY = "This preview was approved already; its render is job `{job}` (nothing is rendered twice)."
PREVIEW_CANCELLED_BY = (
    "Cancelled by <@{user}>; nothing was rendered. Reply in this thread with a change for a new preview."
)
PREVIEW_REVISE = (
    'What should change? Reply in this thread (e.g. "shot 2 slower", "make it 5 seconds", "vertical for TikTok") '
    "and I will draw a new preview."
)
PREVIEW_OTHER_THREAD = "That preview belongs to another thread; use the buttons under it there."
LIBRARY_ADDED = ":card_file_box: Added to this workspace's media library: {items}."
LIBRARY_ALREADY = "already there"
LIBRARY_NO_FILES = 'Share the files in the same message as "add to library" (photos, logos, fonts, music, footage).'
NOT_THIS_WORKSPACE = "That job belongs to another workspace; nothing was changed."
