"""Amazon General Settings, Selling Partner API connections and the regions catalogue."""
