//! Who is asking, by address, for the per-address limits (`limits`).
//!
//! - An IPv6 client is counted by its /64 (one subscriber's network: a phone or a
//!   home has a whole /64 and may pick any address in it); an IPv4 client, or IPv4
//!   inside IPv6, by its address.
//! - Behind a reverse proxy every connection comes from the proxy. With the proxy's
//!   address (or network) in `GRIDLINE_TRUSTED_PROXIES`, the client is the nearest
//!   address in `X-Forwarded-For` that is not a trusted proxy. Off by default: the
//!   header is anyone's to write, so it is read only from the proxies named.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::http::state::AppState;

/// The key a request is counted under in the per-address limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| peer.ip());
        let client =
            peer.map(|peer| client_ip(peer, &parts.headers, &state.config.trusted_proxies));
        Ok(ClientAddress(
            client.map_or_else(|| "unknown".into(), limit_key),
        ))
    }
}

/// The client's address: the peer's, unless the peer is a trusted proxy; then the
/// nearest forwarded address that is not one (all trusted: the farthest named). A
/// header that cannot be read counts as the proxy's own address.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut hops = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        let Ok(value) = value.to_str() else {
            return peer;
        };
        for hop in value.split(',') {
            match parse_hop(hop.trim()) {
                Some(ip) => hops.push(ip),
                None => return peer,
            }
        }
    }
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        client = hop;
        if !is_trusted(&hop) {
            break;
        }
    }
    client
}

/// `203.0.113.7`, `203.0.113.7:4711`, `2001:db8::1` or `[2001:db8::1]:4711`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|a| a.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

/// The limits' key for `ip`: the address for IPv4, the /64 for IPv6.
pub fn limit_key(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let prefix = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
            format!("{prefix}/64")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_trusted;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", v.parse().unwrap());
        }
        headers
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        assert_eq!(limit_key(ip("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(limit_key(ip("2001:db8:1:2:ffff::9")), "2001:db8:1:2::/64");
        assert_eq!(limit_key(ip("2001:db8:1:3::1")), "2001:db8:1:3::/64");
        assert_eq!(limit_key(ip("203.0.113.7")), "203.0.113.7");
        assert_eq!(limit_key(ip("::ffff:203.0.113.7")), "203.0.113.7");
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let trusted = [
            parse_trusted("10.0.0.0/8").unwrap(),
            parse_trusted("::1").unwrap(),
        ];
        let headers = forwarded(&["198.51.100.1, 203.0.113.7"]);
        // Not from a trusted proxy: the header is ignored.
        assert_eq!(
            client_ip(ip("192.0.2.9"), &headers, &trusted),
            ip("192.0.2.9")
        );
        assert_eq!(client_ip(ip("10.0.0.2"), &headers, &[]), ip("10.0.0.2"));
        // From one: the nearest address that is not a trusted proxy (a client's own
        // header entries to the left are not believed).
        assert_eq!(
            client_ip(ip("10.0.0.2"), &headers, &trusted),
            ip("203.0.113.7")
        );
        let chained = forwarded(&["203.0.113.7", "10.1.1.1"]);
        assert_eq!(client_ip(ip("::1"), &chained, &trusted), ip("203.0.113.7"));
        let with_ports = forwarded(&["[2001:db8::5]:4711, 10.1.1.1:80"]);
        assert_eq!(
            client_ip(ip("10.0.0.2"), &with_ports, &trusted),
            ip("2001:db8::5")
        );
        // No header, or one that cannot be read: the proxy itself.
        assert_eq!(
            client_ip(ip("10.0.0.2"), &HeaderMap::new(), &trusted),
            ip("10.0.0.2")
        );
        let junk = forwarded(&["203.0.113.7, not-an-address"]);
        assert_eq!(client_ip(ip("10.0.0.2"), &junk, &trusted), ip("10.0.0.2"));
        assert!(parse_trusted("example.org").is_err());
    }
}
