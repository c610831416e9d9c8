//! Widget design settings (`/v2/giveaways/{id}/design`).
