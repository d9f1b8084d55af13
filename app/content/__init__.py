"""The seed content (exercises, advice, programmes) and the bibliography, as data files."""
