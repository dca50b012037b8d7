"""Site-wide pages of the web platform: accessibility statement, organisation logo."""
