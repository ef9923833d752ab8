//! Following a server's `next` links through a listing, and stopping when
//! they lead nowhere new.
//!
//! A server (or something in front of it) can send the same page again under
//! links that all differ, so distinct links are not enough: a page that
//! holds an id already listed, which is also what a marker that did not
//! advance produces, ends the listing with [`Error::InvalidResponse`] before
//! any of that page is handed out. Without it an iterator would yield the same
//! records for ever and collecting them would grow until the process is
//! killed.

use std::collections::HashSet;

use crate::error::{Error, Result};

/// The page to fetch next.
pub(crate) enum Fetch {
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
pub(crate) struct Pages {
    state: State,
    seen_links: HashSet<String>,
    seen_ids: HashSet<String>,
}

impl Pages {
    /// A listing starting at `first`, or failing at once with its error.
    pub(crate) fn new(first: Result<String>) -> Pages {
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
    pub(crate) fn take(&mut self) -> Result<Option<Fetch>> {
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
    pub(crate) fn accept<'a>(
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
