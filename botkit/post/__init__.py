"""Post-processing: platform presets, reframing, captions, assembly and encoding (``produce`` does it all)."""
