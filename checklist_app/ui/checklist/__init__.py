"""The checklist window: banner, sections, the open section's fields, findings and what is done about them."""
