"""botkit: chatbots that make short videos."""

__version__ = "0.1.0"
