"""Review, signature, amendment, and the signed packet's preview, printing and saving."""
