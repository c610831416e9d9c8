//! E-mail settings (`/v2/giveaways/{id}/emails`).
