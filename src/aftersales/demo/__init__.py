"""The runnable installation on top of every app: the demo data set (`aftersales demo`) and
the production server command (`aftersales serve`, which also starts the embedded sweeps).

It is the top layer: it builds on all the domain apps and nothing imports it.
"""
