"""The call centre's side: incoming calls logged on the customer, and the agent's screen-pop."""
