"""Writes of the campaigns app, by topic: leads (the sales loop), preventive maintenance,
campaigns (recalls, notices, preventive rounds) and surveys. The sweeps that call them
are in `campaigns.sweeps`."""
