"""botkit in Slack: mentions, DMs, ``/video``, progress in the thread, videos and buttons back."""
