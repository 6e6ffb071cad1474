//! What every generated call does on each attempt, through progenitor's `exec` hook (the
//! client implements the hook with [`exec`]): the one place a request is sent, and the one
//! place a response body is read, within the size limit, so that a body that breaks off is
//! still inside the retry loop's reach.

use std::future::Future;

use reqwest::header::AUTHORIZATION;

use super::{Credential, Runtime, body};

/// Sends the request once and leaves what came of its body in the response's extensions
/// ([`body::BodyRead`]). Retrying is the call's ([`call::send`](super::call::send)).
///
/// The credential is the runtime's, the one of the host this generated client sends to: the
/// shared `reqwest::Client` carries none, so no request can take another host's secret.
pub(crate) fn exec(
    http: &reqwest::Client,
    runtime: &Runtime,
    mut request: reqwest::Request,
) -> impl Future<Output = reqwest::Result<reqwest::Response>> + Send + 'static {
    let limit = runtime.max_response_bytes;
    match runtime.credential() {
        Credential::Bearer { header, .. } => {
            request.headers_mut().insert(AUTHORIZATION, header.clone());
        }
        // The call refuses a missing credential before sending; whatever happens, nothing is
        // attached that belongs to another host.
        Credential::Anonymous | Credential::Missing(_) => {}
    }
    if let Some(url) = &runtime.target {
        *request.url_mut() = url.clone();
    }
    // Handed to reqwest before the future is built: the request then lives in reqwest's own
    // allocation instead of being carried in every future around this one.
    let in_flight = http.execute(request);
    async move {
        let mut response = in_flight.await?;
        let read = body::read(&mut response, limit).await;
        response.extensions_mut().insert(read);
        Ok(response)
    }
}
