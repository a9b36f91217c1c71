"""The README's screenshots: invented patients rendered offscreen."""
