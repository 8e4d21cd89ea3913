"""Production: several app servers, faults, deployment."""
