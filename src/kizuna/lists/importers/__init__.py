"""One module per official format. Each ``read`` returns the lists it found as ``ListData``."""
