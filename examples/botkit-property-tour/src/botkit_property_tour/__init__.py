"""Real-estate walkthrough videos for botkit: an example third-party skill."""

from botkit_property_tour.skill import PropertyTourSkill

__all__ = ["PropertyTourSkill"]
