"""Benchmarks and accuracy measurement over the shared speech set (`whisperdesk bench`)."""
