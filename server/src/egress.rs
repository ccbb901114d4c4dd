//! What the server connects out to: push services (on residents' and staff's say, so
//! untrusted), and the city's own systems (webhook and Open311 targets, the SMS
//! gateway, configured by admins).
//!
//! - **No redirects**, for any of them: a 3xx is an answer like any other, so a
//!   receiver cannot send the server on to an address it would not call itself.
//! - **Push services only on the public internet**, checked where the connection is
//!   made: the push client resolves every name itself ([`PublicOnly`]) and connects only
//!   to the public addresses it found (pinned: reqwest uses those addresses), so a name
//!   that resolves to loopback or a private range, now or after the subscription was
//!   accepted (DNS rebinding), is never called; literal addresses (which reqwest does
//!   not resolve) are checked by [`allowed_push_url`] before each request, IPv4-mapped
//!   IPv6 (`[::ffff:127.0.0.1]`) included. No proxy: the resolution is the server's.
//! - **Bodies read within a cap** ([`read_capped`]): an endpoint cannot make the
//!   server hold more than [`MAX_BODY`] of its answer.
//!
//! The city's own systems may well sit in a private network, so their addresses are
//! taken as configured.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// The most of an answer the server reads (Open311 documents, error bodies).
pub const MAX_BODY: usize = 1024 * 1024;

/// Whether `ip` is an address on the public internet: not loopback, private,
/// shared (CGNAT), link-local, unique-local, multicast, documentation, benchmarking,
/// reserved or unspecified; IPv4 inside IPv6 (mapped, compatible, 6to4, NAT64) is
/// judged as the IPv4 address it carries.
pub fn public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => match embedded_v4(v6) {
            Some(v4) => public_v4(v4),
            None => public_v6(v6),
        },
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240) // reserved
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (first == 0x2001 && ip.segments()[1] == 0x0db8)) // documentation
}

/// The IPv4 address an IPv6 address carries, where it carries one.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let v4 = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4); // ::ffff:a.b.c.d
    }
    if s[..6] == [0; 6] && !(s[6] == 0 && s[7] <= 1) {
        return Some(v4(s[6], s[7])); // ::a.b.c.d (compatible, deprecated)
    }
    if s[0] == 0x2002 {
        return Some(v4(s[1], s[2])); // 6to4
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(v4(s[6], s[7])); // NAT64
    }
    None
}

/// Whether a push endpoint may be called as far as its URL tells: a literal address
/// must be public (or loopback when `allow_loopback`, for tests); a name other than
/// `localhost` is checked when it is resolved, by [`PublicOnly`].
pub fn allowed_push_url(url: &reqwest::Url, allow_loopback: bool) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    // The URL parser writes IPv6 hosts in brackets and IPv4 in dotted form.
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return allowed_address(ip, allow_loopback);
    }
    let name = host.trim_end_matches('.').to_ascii_lowercase();
    allow_loopback || !(name == "localhost" || name.ends_with(".localhost"))
}

/// Whether `url` names a host that resolves, here and now, to addresses of which
/// none may be called: refused at once when subscribing (the connection is checked
/// again each time, so a name that fails to resolve now is not refused here).
pub async fn resolves_only_inside(url: &reqwest::Url, allow_loopback: bool) -> bool {
    let Some(host) = url.host_str() else {
        return true;
    };
    if host.starts_with('[') || host.parse::<IpAddr>().is_ok() {
        return false; // a literal address: judged by `allowed_push_url`
    }
    match tokio::net::lookup_host((host, 0)).await {
        Ok(found) => {
            let found: Vec<SocketAddr> = found.collect();
            !found.is_empty()
                && !found
                    .iter()
                    .any(|a| allowed_address(a.ip(), allow_loopback))
        }
        Err(_) => false,
    }
}

fn allowed_address(ip: IpAddr, allow_loopback: bool) -> bool {
    public_ip(ip) || (allow_loopback && ip.to_canonical().is_loopback())
}

/// Resolves names for the push client, keeping only the addresses it may connect to.
pub struct PublicOnly {
    pub allow_loopback: bool,
}

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_loopback = self.allow_loopback;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| allowed_address(a.ip(), allow_loopback))
                .collect();
            if allowed.is_empty() {
                return Err(format!("{host} has no public address").into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

/// The client for push services: public addresses only, no redirects, no proxy.
pub fn push_client(allow_loopback: bool) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(Arc::new(PublicOnly { allow_loopback }))
        .build()
        .expect("an HTTP client with a timeout builds")
}

/// The client for the city's systems: no redirects, `timeout` per request.
pub fn target_client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client with a timeout builds")
}

/// The body of `response`, refused once it passes `limit` bytes (read no further).
pub async fn read_capped(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, String> {
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(format!("the answer is over {limit} bytes"));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| format!("the answer broke off ({})", e.without_url()))?
    {
        if body.len() + chunk.len() > limit {
            return Err(format!("the answer is over {limit} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn only_public_addresses_are_public() {
        for public in [
            "8.8.8.8",
            "142.250.72.14",
            "2607:f8b0:4005:80a::200e",
            "2001:4860::1",
        ] {
            assert!(public_ip(ip(public)), "{public}");
        }
        for inside in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.0.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "240.0.0.1",
            "192.0.0.8",
            "198.18.0.1",
            "192.0.2.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            // IPv4 inside IPv6: judged as the IPv4 address.
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "2002:7f00:1::",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(!public_ip(ip(inside)), "{inside}");
        }
        assert!(public_ip(ip("::ffff:8.8.8.8")));
    }

    #[test]
    fn push_urls_with_addresses_inside_are_refused() {
        let allowed =
            |url: &str, loopback| allowed_push_url(&reqwest::Url::parse(url).unwrap(), loopback);
        assert!(allowed("https://fcm.googleapis.com/fcm/send/x", false));
        assert!(allowed("https://8.8.8.8/x", false));
        for inside in [
            "https://localhost/x",
            "https://LOCALHOST./x",
            "https://a.localhost/x",
            "https://127.0.0.1/x",
            "https://[::ffff:127.0.0.1]/x",
            "https://[::1]/x",
            "https://10.0.0.7/x",
            "https://169.254.169.254/latest",
        ] {
            assert!(!allowed(inside, false), "{inside}");
        }
        assert!(allowed("http://127.0.0.1:9/x", true));
        assert!(allowed("http://[::ffff:127.0.0.1]:9/x", true));
        assert!(
            !allowed("http://10.0.0.7/x", true),
            "loopback only, not private"
        );
    }

    #[tokio::test]
    async fn names_are_resolved_to_public_addresses_only() {
        use reqwest::dns::Resolve as _;
        let strict = PublicOnly {
            allow_loopback: false,
        };
        let name = |n: &str| n.parse::<reqwest::dns::Name>().unwrap();
        // `localhost` resolves (from /etc/hosts) to loopback only: nothing is left.
        assert!(strict.resolve(name("localhost")).await.is_err());
        let loose = PublicOnly {
            allow_loopback: true,
        };
        let addrs: Vec<SocketAddr> = loose.resolve(name("localhost")).await.unwrap().collect();
        assert!(
            addrs.iter().all(|a| a.ip().to_canonical().is_loopback()),
            "{addrs:?}"
        );
    }
}
