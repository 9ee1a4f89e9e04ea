"""Cloud providers: adapters for hosted image, video and voice APIs behind the one contract."""
