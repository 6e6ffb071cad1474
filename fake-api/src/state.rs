//! What the fake remembers between requests: images, actions, the rate-limit window, queued
//! faults and every request it saw.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::body;
use crate::fault::{Fault, Route};

/// The region an image lives in when nothing else is said; converts happen there.
pub(crate) const HOME_REGION: &str = "nyc3";

/// How an action ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Completed,
    Errored,
}

/// When an `in-progress` action ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FinishWhen {
    /// On the n-th GET of the action (at least the first).
    Polls(u32),
    /// At the first read this long after it was created.
    Elapsed(Duration),
    /// Never: it stays `in-progress`.
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Finish {
    pub(crate) when: FinishWhen,
    pub(crate) outcome: Outcome,
}

#[derive(Clone, Debug)]
pub(crate) struct ActionRecord {
    pub(crate) id: u64,
    pub(crate) image: u64,
    pub(crate) kind: &'static str,
    pub(crate) region: String,
    pub(crate) status: &'static str,
    pub(crate) started_at: DateTime<Utc>,
    pub(crate) completed_at: Option<DateTime<Utc>>,
    created: Instant,
    pub(crate) polls: u32,
}

impl ActionRecord {
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "status": self.status,
            "type": self.kind,
            "started_at": body::timestamp(self.started_at),
            "completed_at": self.completed_at.map(body::timestamp),
            "resource_id": self.image,
            "resource_type": "image",
            "region": body::region(&self.region),
            "region_slug": self.region,
        })
    }

    /// Brings the status up to date; `poll` says whether this read is a GET of the action.
    fn refresh(&mut self, finish: Finish, poll: bool) {
        if poll {
            self.polls += 1;
        }
        if self.status != "in-progress" {
            return;
        }
        if let Some(status) = finish.reached(self.polls, self.created) {
            self.status = status;
            self.completed_at = Some(Utc::now());
        }
    }
}

impl Finish {
    /// The status an `in-progress` action read `polls` times, created at `created`, ends with,
    /// once this rule says it has ended.
    fn reached(self, polls: u32, created: Instant) -> Option<&'static str> {
        let done = match self.when {
            FinishWhen::Polls(n) => polls >= n.max(1),
            FinishWhen::Elapsed(d) => created.elapsed() >= d,
            FinishWhen::Never => false,
        };
        done.then_some(match self.outcome {
            Outcome::Completed => "completed",
            Outcome::Errored => "errored",
        })
    }
}

/// An action of any other resource (a droplet's reboot, a volume's attach), started by a
/// documented operation or first read through a resource's action route: the action as that
/// answer had it, and how far it has come. It finishes by the same rule as the image actions.
#[derive(Clone, Debug)]
pub(crate) struct Started {
    /// The action as the answer that started it had it (its type, resource, region).
    template: Value,
    status: &'static str,
    started_at: DateTime<Utc>,
    completed_at: Option<DateTime<Utc>>,
    created: Instant,
    polls: u32,
}

impl Started {
    /// An action just started, shaped as `template`: `in-progress`, not polled yet.
    fn new(template: Value) -> Started {
        Started {
            template,
            status: "in-progress",
            started_at: Utc::now(),
            completed_at: None,
            created: Instant::now(),
            polls: 0,
        }
    }

    /// `template` (the action as an answer has it) with this action's id, status and times.
    fn view(&self, id: u64, template: &Value) -> Value {
        let mut action = template.clone();
        if let Value::Object(fields) = &mut action {
            fields.insert("id".into(), json!(id));
            fields.insert("status".into(), json!(self.status));
            fields.insert("started_at".into(), json!(body::timestamp(self.started_at)));
            fields.insert("completed_at".into(), json!(self.completed_at.map(body::timestamp)));
        }
        action
    }
}

/// The account's rate-limit window: `limit` requests per `window`, starting at the first request.
#[derive(Clone, Debug)]
pub(crate) struct RateWindow {
    pub(crate) limit: u64,
    pub(crate) window: Duration,
    used: u64,
    started: Option<(Instant, SystemTime)>,
}

/// The rate-limit headers of one response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RateHeaders {
    pub(crate) limit: u64,
    pub(crate) remaining: u64,
    /// Unix epoch second when the window resets.
    pub(crate) reset: u64,
    /// Whether this request found nothing left (it gets 429).
    pub(crate) exhausted: bool,
}

impl RateWindow {
    pub(crate) fn new(limit: u64, window: Duration) -> Self {
        RateWindow { limit, window, used: 0, started: None }
    }

    /// Counts one request against the window.
    pub(crate) fn take(&mut self) -> RateHeaders {
        let now = Instant::now();
        let wall = match self.started {
            Some((start, wall)) if now.duration_since(start) < self.window => wall,
            _ => {
                self.used = 0;
                let wall = SystemTime::now();
                self.started = Some((now, wall));
                wall
            }
        };
        let exhausted = self.used >= self.limit;
        if !exhausted {
            self.used += 1;
        }
        let reset_at = wall + self.window;
        let reset = reset_at.duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64().ceil() as u64).unwrap_or(0);
        RateHeaders { limit: self.limit, remaining: self.limit - self.used, reset, exhausted }
    }

    pub(crate) fn remaining(&self) -> u64 {
        match self.started {
            Some((start, _)) if start.elapsed() < self.window => self.limit - self.used,
            _ => self.limit,
        }
    }
}

/// One request the fake answered, as tests see it through
/// [`FakeApi::requests`](crate::FakeApi::requests).
///
/// ```
/// use digitalocean_fake_api::{FakeApi, Route, SeenRequest};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), reqwest::Error> {
/// # let _ = rustls::crypto::ring::default_provider().install_default();
/// let fake = FakeApi::start().await;
/// let url = format!("{}/v2/images/7938269/actions/99", fake.uri());
/// reqwest::Client::new().get(&url).bearer_auth("t").send().await?;
/// let seen: SeenRequest = fake.requests().remove(0);
/// assert_eq!((seen.route, seen.image, seen.action, seen.status), (Route::Get, Some(7938269), Some(99), 404));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeenRequest {
    /// The HTTP method, upper case.
    pub method: String,
    /// The path, such as `/v2/images/7938269/actions`.
    pub path: String,
    /// The query string without `?`, when there was one.
    pub query: Option<String>,
    /// Which operation the request was.
    pub route: Route,
    /// The image id in the path, when it parsed.
    pub image: Option<u64>,
    /// The action id in the path, for [`Route::Get`].
    pub action: Option<u64>,
    /// The status the fake answered with.
    pub status: u16,
    /// The operationId the request named (`droplets_create`, `imageActions_get`), when it
    /// named one.
    pub operation: Option<&'static str>,
}

#[derive(Debug)]
pub(crate) struct State {
    /// The fake's own address, for the full URLs in paging links.
    pub(crate) base_url: String,
    pub(crate) token: Option<String>,
    pub(crate) every_image_exists: bool,
    /// Whether operations other than the image actions are answered from the documented
    /// examples (`respond`), or get 404.
    pub(crate) documented: bool,
    pub(crate) images: BTreeSet<u64>,
    pub(crate) actions: BTreeMap<u64, ActionRecord>,
    /// The actions of every other resource, by id (the ids count on from the image actions').
    pub(crate) started: BTreeMap<u64, Started>,
    pub(crate) next_action_id: u64,
    /// How many items a documented list holds when a page of it is asked for.
    pub(crate) list_length: u64,
    pub(crate) finish: Finish,
    pub(crate) faults: VecDeque<(Option<Route>, Fault)>,
    pub(crate) rate: RateWindow,
    pub(crate) seen: Vec<SeenRequest>,
    pub(crate) requests_answered: u64,
}

impl State {
    pub(crate) fn new(finish: Finish, rate: RateWindow, first_action_id: u64) -> Self {
        State {
            base_url: String::new(),
            token: None,
            every_image_exists: false,
            documented: false,
            images: BTreeSet::new(),
            actions: BTreeMap::new(),
            started: BTreeMap::new(),
            next_action_id: first_action_id.max(1),
            list_length: crate::pages::DEFAULT_LIST_LENGTH,
            finish,
            faults: VecDeque::new(),
            rate,
            seen: Vec::new(),
            requests_answered: 0,
        }
    }

    /// Whether the image exists; in "every image exists" mode, any id comes into being here.
    pub(crate) fn has_image(&mut self, image: u64) -> bool {
        if image == 0 {
            return false;
        }
        if self.every_image_exists {
            self.images.insert(image);
        }
        self.images.contains(&image)
    }

    /// Starts an action: `in-progress`, started now.
    pub(crate) fn create_action(&mut self, image: u64, kind: &'static str, region: &str) -> &ActionRecord {
        let id = self.next_action_id;
        self.next_action_id += 1;
        let record = ActionRecord {
            id,
            image,
            kind,
            region: region.to_owned(),
            status: "in-progress",
            started_at: Utc::now(),
            completed_at: None,
            created: Instant::now(),
            polls: 0,
        };
        self.actions.entry(id).or_insert(record)
    }

    /// Adds a finished convert action from the past, with this id or the next free one.
    pub(crate) fn add_past_action(&mut self, image: u64, id: Option<u64>) {
        self.images.insert(image);
        let id = id.unwrap_or(self.next_action_id);
        self.next_action_id = self.next_action_id.max(id + 1);
        // A day ago, a minute apart, so a larger id is a newer action as with real ones.
        let started_at = Utc::now() - chrono::Duration::days(1) + chrono::Duration::minutes(self.actions.len() as i64);
        let record = ActionRecord {
            id,
            image,
            kind: "convert",
            region: HOME_REGION.to_owned(),
            status: "completed",
            started_at,
            completed_at: Some(started_at + chrono::Duration::minutes(2)),
            created: Instant::now(),
            polls: 0,
        };
        self.actions.insert(id, record);
    }

    /// Reads one action of the image for a GET: counts the poll and applies the finish rule.
    pub(crate) fn poll_action(&mut self, image: u64, action: u64) -> Option<Value> {
        let finish = self.finish;
        let record = self.actions.get_mut(&action).filter(|a| a.image == image)?;
        record.refresh(finish, true);
        Some(record.to_json())
    }

    /// The image's actions, newest first, brought up to date (without counting polls).
    pub(crate) fn image_actions(&mut self, image: u64) -> Vec<Value> {
        let finish = self.finish;
        self.actions
            .values_mut()
            .rev()
            .filter(|a| a.image == image)
            .map(|a| {
                a.refresh(finish, false);
                a.to_json()
            })
            .collect()
    }

    /// Starts an action of another resource, `in-progress`, shaped as `template` (the action of
    /// the documented answer), with the next id; gives it as the answer has it.
    pub(crate) fn start_action(&mut self, template: Value) -> Value {
        let id = self.next_action_id;
        self.next_action_id += 1;
        let started = Started::new(template);
        let view = started.view(id, &started.template);
        self.started.insert(id, started);
        view
    }

    /// Reads action `id` for a GET, counting the poll and applying the finish rule: an image
    /// action as the image-action routes have it, any other as `template` says (the reading
    /// route's own shape of an action) or else as the answer that started it had it. An action
    /// the fake does not know is `None`, unless `template` is given: then it is one started just
    /// before (the fake has every resource a path names, and so every action of one).
    pub(crate) fn read_action(&mut self, id: u64, template: Option<&Value>) -> Option<Value> {
        let finish = self.finish;
        if let Some(record) = self.actions.get_mut(&id) {
            record.refresh(finish, true);
            return Some(record.to_json());
        }
        if !self.started.contains_key(&id) {
            let template = template?.clone();
            self.next_action_id = self.next_action_id.max(id.saturating_add(1));
            self.started.insert(id, Started::new(template));
        }
        let started = self.started.get_mut(&id)?;
        started.polls += 1;
        if started.status == "in-progress"
            && let Some(status) = finish.reached(started.polls, started.created)
        {
            started.status = status;
            started.completed_at = Some(Utc::now());
        }
        Some(started.view(id, template.unwrap_or(&started.template)))
    }

    /// The first queued fault meant for this route (or for any route), removed from the queue.
    pub(crate) fn take_fault(&mut self, route: Route) -> Option<Fault> {
        let at = self.faults.iter().position(|(r, _)| r.is_none_or(|r| r == route))?;
        self.faults.remove(at).map(|(_, f)| f)
    }
}
