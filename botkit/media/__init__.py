"""Bring your own media: probe and normalise uploaded video, footage and still shots, the input-kept
quality signal, transitions (ffmpeg xfade), and the editor hand-off (OpenTimelineIO)."""
