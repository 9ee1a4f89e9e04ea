"""Image, video and voice providers behind one protocol, found through entry points."""
