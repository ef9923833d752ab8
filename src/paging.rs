//! Following a server's `next` links through a listing, and stopping when
//! they lead nowhere new: the one pager behind every lazy iterator (images,
//! tasks), after gophercloud's linked pages. A page knows its records and
//! the link to the next page; [`Pager`] fetches the first page when asked for
//! its first record and follows the links one page at a time.
//!
//! A server (or something in front of it) can send the same page again under
//! links that all differ, so distinct links are not enough: a page that
//! holds an id already listed, which is also what a marker that did not
//! advance produces, ends the listing with [`Error::InvalidResponse`] before
//! any of that page is handed out. Without it an iterator would yield the same
//! records for ever and collecting them would grow until the process is
//! killed.

use std::collections::HashSet;

use serde::de::DeserializeOwned;

use crate::auth::Service;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::transport::{Call, Target};

/// One page of a listing, as [`Pager`] reads it. Implemented by the crate's
/// page types only ([`ImagePage`](crate::ImagePage), [`TaskPage`](crate::tasks::TaskPage)).
pub trait Page: DeserializeOwned {
    /// What the page lists.
    type Record;
    /// The record's id, which no later page may list again.
    const ID: fn(&Self::Record) -> &str;
    /// The page taken apart: its records, the link to the next page and
    /// the link to the first page, as the server gave them.
    fn into_parts(self) -> (Vec<Self::Record>, Option<String>, Option<String>);
}

/// The first page of a listing: `path` with its query.
pub(crate) fn first_page<P: Page>(client: &Client, path: String) -> Result<P> {
    client.transport().json(Call::get(path))
}

/// The page a `next` link names (relative, as Glance returns it).
pub(crate) fn page_at<P: Page>(client: &Client, link: &str) -> Result<P> {
    if link.is_empty() {
        return Err(Error::invalid_argument("'link' must not be empty"));
    }
    let mut call = Call::get("");
    call.target = Target::Link(Service::Image, link.to_owned());
    client.transport().json(call)
}

/// A lazy iterator over every record of a listing; fetches a page when the
/// previous one is used up. Stops after the first error.
pub struct Pager<P: Page> {
    /// What `Debug` calls it: the public name of the iterator.
    name: &'static str,
    client: Client,
    pages: Pages,
    buffered: std::vec::IntoIter<P::Record>,
}

impl<P: Page> std::fmt::Debug for Pager<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct(self.name).finish_non_exhaustive()
    }
}

impl<P: Page> Pager<P> {
    /// A listing of `client` starting at `first`, or failing at its first
    /// record with `first`'s error.
    pub(crate) fn new(name: &'static str, client: &Client, first: Result<String>) -> Pager<P> {
        Pager {
            name,
            client: client.clone(),
            pages: Pages::new(first),
            buffered: Vec::new().into_iter(),
        }
    }

    fn fetch(&mut self) -> Result<Option<Vec<P::Record>>> {
        let page: P = match self.pages.take()? {
            Some(Fetch::First(path)) => first_page(&self.client, path)?,
            Some(Fetch::Next(link)) => page_at(&self.client, &link)?,
            None => return Ok(None),
        };
        let (records, next, _first) = page.into_parts();
        self.pages
            .accept(records.iter().map(P::ID), next.as_deref())?;
        Ok(Some(records))
    }
}

impl<P: Page> Iterator for Pager<P> {
    type Item = Result<P::Record>;

    fn next(&mut self) -> Option<Result<P::Record>> {
        loop {
            if let Some(record) = self.buffered.next() {
                return Some(Ok(record));
            }
            match self.fetch() {
                Ok(Some(records)) => self.buffered = records.into_iter(),
                Ok(None) => return None,
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// The page to fetch next.
enum Fetch {
    /// The first page: a path with the caller's query.
    First(String),
    /// A `next` link, as the server gave it.
    Next(String),
}

enum State {
    Pending(Fetch),
    Done,
    Failed(Error),
}

/// Where a listing stands: the page to fetch next, and what it has seen.
struct Pages {
    state: State,
    seen_links: HashSet<String>,
    seen_ids: HashSet<String>,
}

impl Pages {
    /// A listing starting at `first`, or failing at once with its error.
    fn new(first: Result<String>) -> Pages {
        Pages {
            state: match first {
                Ok(path) => State::Pending(Fetch::First(path)),
                Err(e) => State::Failed(e),
            },
            seen_links: HashSet::new(),
            seen_ids: HashSet::new(),
        }
    }

    /// The page to fetch, `None` once the listing is over. Hands out an error
    /// once; the listing is over after it.
    fn take(&mut self) -> Result<Option<Fetch>> {
        match std::mem::replace(&mut self.state, State::Done) {
            State::Pending(fetch) => {
                if let Fetch::First(path) = &fetch {
                    // Links have the same form: a link back here is a loop too.
                    self.seen_links.insert(path.clone());
                }
                Ok(Some(fetch))
            }
            State::Done => Ok(None),
            State::Failed(e) => Err(e),
        }
    }

    /// Takes in a fetched page: its ids and its `next` link. Fails when an id
    /// was listed before; otherwise decides what comes after the page.
    fn accept<'a>(
        &mut self,
        ids: impl IntoIterator<Item = &'a str>,
        next: Option<&str>,
    ) -> Result<()> {
        let mut empty = true;
        for id in ids {
            empty = false;
            if !self.seen_ids.insert(id.to_owned()) {
                return Err(Error::invalid_response(
                    "GET",
                    next.unwrap_or_default(),
                    format!(
                        "the listing repeats '{}' (its marker did not advance); pagination stopped",
                        id.escape_default()
                    ),
                    None,
                ));
            }
        }
        let Some(next) = next else {
            return Ok(());
        };
        self.state = if empty {
            // A page with nothing on it cannot move the marker forward.
            State::Done
        } else if !self.seen_links.insert(next.to_owned()) {
            // Hand out this page, then fail instead of fetching it again.
            State::Failed(Error::invalid_response(
                "GET",
                next,
                "the 'next' link repeats an earlier page; pagination stopped",
                None,
            ))
        } else {
            State::Pending(Fetch::Next(next.to_owned()))
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next_link(pages: &mut Pages) -> Option<String> {
        match pages.take().unwrap() {
            Some(Fetch::Next(link)) => Some(link),
            _ => None,
        }
    }

    #[test]
    fn the_same_page_under_new_links_stops_the_listing() {
        let mut pages = Pages::new(Ok("/v2/images".into()));
        assert!(matches!(pages.take().unwrap(), Some(Fetch::First(_))));
        pages
            .accept(["a", "b"], Some("/v2/images?marker=b&n=1"))
            .unwrap();
        assert_eq!(
            next_link(&mut pages).as_deref(),
            Some("/v2/images?marker=b&n=1")
        );
        let err = pages
            .accept(["a", "b"], Some("/v2/images?marker=b&n=2"))
            .unwrap_err();
        assert!(matches!(err, Error::InvalidResponse(_)), "{err:?}");
        assert!(err.to_string().contains("repeats 'a'"), "{err}");
    }

    #[test]
    fn new_ids_under_new_links_go_on_and_a_repeated_link_fails_after_its_page() {
        let mut pages = Pages::new(Ok("/p".into()));
        pages.take().unwrap();
        pages.accept(["a"], Some("/p?marker=a")).unwrap();
        assert!(next_link(&mut pages).is_some());
        pages.accept(["b"], None).unwrap();
        assert!(pages.take().unwrap().is_none());

        let mut pages = Pages::new(Ok("/p".into()));
        pages.take().unwrap();
        pages.accept(["a"], Some("/p")).unwrap();
        assert!(pages.take().is_err());
        assert!(pages.take().unwrap().is_none());
    }
}
