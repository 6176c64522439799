//! Offset/limit paging as a `Stream` of pages or items, for actions whose spec declares
//! `pagination`. Each page is one ordinary call (validated, signed, retried).

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use super::action::Action;
use super::client::Client;
use super::credentials::BoxFuture;
use super::error::SdkError;

/// What a paged action's request knows about paging; implemented by generated code.
pub trait Paginated: Action + Clone + 'static {
    type Item: Send + 'static;

    /// The request for the page after `output`, or `None` when `output` was the last one.
    fn next_page(&self, output: &Self::Output) -> Option<Self>;

    /// The page's items.
    fn into_items(output: Self::Output) -> Vec<Self::Item>;
}

type PageResult<A> = Result<<A as Action>::Output, SdkError<<A as Action>::Error>>;

enum State<A: Paginated> {
    Ready(A),
    /// The first request could not be built; the error is the only item.
    Invalid(super::error::ValidationError),
    InFlight(A, BoxFuture<'static, PageResult<A>>),
    Done,
}

/// A stream of pages; use [`Paginator::items`] for a stream of items instead.
pub struct Paginator<A: Paginated> {
    client: Client,
    state: State<A>,
}

impl<A: Paginated> Paginator<A> {
    #[allow(dead_code)] // called by generated code only when some action declares pagination
    pub(crate) fn new(client: Client, first: A) -> Self {
        Paginator {
            client,
            state: State::Ready(first),
        }
    }

    /// A paginator whose first request could not be built: it yields `error` and ends.
    #[allow(dead_code)] // called by generated code only when some action declares pagination
    pub(crate) fn failed(client: Client, error: super::error::ValidationError) -> Self {
        Paginator {
            client,
            state: State::Invalid(error),
        }
    }

    /// The next page, without needing a `StreamExt` trait.
    pub async fn next_page(&mut self) -> Option<PageResult<A>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// A stream of the items of every page.
    pub fn items(self) -> ItemStream<A> {
        ItemStream {
            pages: self,
            buffered: Vec::new().into_iter(),
        }
    }

    /// Every item of every page; stops at the first error.
    pub async fn collect_items(self) -> Result<Vec<A::Item>, SdkError<A::Error>> {
        let mut items = Vec::new();
        let mut pages = self;
        while let Some(page) = pages.next_page().await {
            items.extend(A::into_items(page?));
        }
        Ok(items)
    }
}

impl<A: Paginated> Unpin for Paginator<A> {}

impl<A: Paginated> Stream for Paginator<A> {
    type Item = PageResult<A>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            match std::mem::replace(&mut self.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Invalid(e) => return Poll::Ready(Some(Err(SdkError::InvalidRequest(e)))),
                State::Ready(request) => {
                    let client = self.client.clone();
                    let sent = request.clone();
                    let call: BoxFuture<'static, PageResult<A>> =
                        Box::pin(async move { client.send(&sent).await });
                    self.state = State::InFlight(request, call);
                }
                State::InFlight(request, mut call) => match call.as_mut().poll(cx) {
                    Poll::Pending => {
                        self.state = State::InFlight(request, call);
                        return Poll::Pending;
                    }
                    Poll::Ready(Ok(output)) => {
                        if let Some(next) = request.next_page(&output) {
                            self.state = State::Ready(next);
                        }
                        return Poll::Ready(Some(Ok(output)));
                    }
                    // An error ends the stream; the caller may start again from a known offset.
                    Poll::Ready(Err(e)) => return Poll::Ready(Some(Err(e))),
                },
            }
        }
    }
}

/// A stream of items across pages.
pub struct ItemStream<A: Paginated> {
    pages: Paginator<A>,
    buffered: std::vec::IntoIter<A::Item>,
}

impl<A: Paginated> ItemStream<A> {
    /// The next item, without needing a `StreamExt` trait.
    pub async fn next_item(&mut self) -> Option<Result<A::Item, SdkError<A::Error>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<A: Paginated> Unpin for ItemStream<A> {}

impl<A: Paginated> Stream for ItemStream<A> {
    type Item = Result<A::Item, SdkError<A::Error>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.buffered.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut self.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => self.buffered = A::into_items(page).into_iter(),
            }
        }
    }
}
