//! Drift check (placeholder while bundling is built).
