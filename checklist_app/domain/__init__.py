"""Domain models: the form as data, the patient's record, findings. Only stdlib and pydantic."""
