"""Energy-based models: restricted Boltzmann machines and neural energy models."""
