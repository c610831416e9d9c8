//! The DNS resolver of every outbound HTTP client: it drops the addresses the egress rule
//! (`crate::egress`) blocks, at connection time, so a name re-pointed after it was saved cannot
//! reach the operator's network.

use crate::egress::{Refused, is_blocked};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::SocketAddr;

/// A DNS resolver for reqwest that drops blocked addresses, so a connection can only be made to
/// an allowed one whatever the name resolves to at that moment.
#[derive(Clone, Copy, Debug, Default)]
pub struct SafeResolver;

impl Resolve for SafeResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let allowed: Vec<SocketAddr> = found.filter(|a| !is_blocked(a.ip())).collect();
            if allowed.is_empty() {
                return Err(Box::new(Refused::PrivateAddress) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn blocked_addresses_are_dropped_at_connection_time() {
        let name: Name = "localhost".parse().unwrap();
        assert!(SafeResolver.resolve(name).await.is_err());
    }
}
