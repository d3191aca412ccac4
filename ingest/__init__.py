"""Stories in: sources → fetch → parse/scrape → extract → normalize → dedupe → store."""
