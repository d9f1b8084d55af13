"""What routes call: keyword-only functions, the only code that touches the Session."""
