//! `client.images().account_transfers()`: moving a snapshot to another account. The sender
//! offers it to one recipient (a user by email, or a team by UUID); the transfer then waits
//! until the recipient accepts or declines, or the sender cancels.
//!
//! Every call here is a POST: retried only when the server certainly did not act on it.

use crate::Client;
use crate::call::call;
use crate::error::Error;
use crate::ids::{ImageId, TransferId};
use crate::response::Response;
use crate::types::{AccountTransferAcceptance, AccountTransferRecipient, AccountTransferRef};

/// Where an offered transfer stands right after it is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccountTransfer {
    /// The recipient already took the image (a team the caller may act for); the API reports
    /// this as transfer id 0.
    Accepted,
    /// The transfer waits for the recipient; accept, decline or cancel it by this id.
    Pending(TransferId),
}

impl AccountTransfer {
    /// The id of a pending transfer; `None` once it is accepted.
    pub fn id(self) -> Option<TransferId> {
        match self {
            AccountTransfer::Accepted => None,
            AccountTransfer::Pending(id) => Some(id),
        }
    }
}

/// Image account transfers. Get one with [`Images::account_transfers`](crate::Images::account_transfers).
#[derive(Clone, Copy, Debug)]
pub struct AccountTransfers<'a> {
    client: &'a Client,
}

impl<'a> AccountTransfers<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        AccountTransfers { client }
    }

    /// Offers the snapshot to the user with this email address; they accept by following the
    /// email they receive.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), digitalocean_sdk::Error> {
    /// use digitalocean_sdk::{AccountTransfer, ImageId};
    ///
    /// let client = digitalocean_sdk::Client::from_env()?;
    /// let snapshot = ImageId::new(7555620).expect("a positive id");
    /// match *client.images().account_transfers().offer_to_email(snapshot, "alice@example.com").await? {
    ///     AccountTransfer::Pending(id) => println!("waiting for Alice (transfer {id})"),
    ///     AccountTransfer::Accepted => println!("done"),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn offer_to_email(
        self,
        image: ImageId,
        email: impl Into<String>,
    ) -> Result<Response<AccountTransfer>, Error> {
        let email = non_empty("recipient email", email.into())?;
        self.offer(image, AccountTransferRecipient::RecipientEmail(email)).await
    }

    /// Offers the snapshot to the team with this UUID. The transfer is accepted at once when
    /// the caller may act for that team; otherwise it waits for someone there to accept it.
    pub async fn offer_to_team(
        self,
        image: ImageId,
        team_uuid: impl Into<String>,
    ) -> Result<Response<AccountTransfer>, Error> {
        let team = non_empty("recipient team UUID", team_uuid.into())?;
        self.offer(image, AccountTransferRecipient::RecipientUuid(team)).await
    }

    /// Offers the snapshot to any recipient the API knows how to name.
    pub async fn offer(
        self,
        image: ImageId,
        recipient: AccountTransferRecipient,
    ) -> Result<Response<AccountTransfer>, Error> {
        let builder = self.client.generated().images_post_account_transfer_create().image_id(image).body(recipient);
        let created = call(self.client, builder).await?;
        // Decoded as any integer, so that the answer is never lost; a negative one means
        // neither a pending transfer nor an accepted one, and guessing would be wrong.
        let Ok(id) = u64::try_from(created.transfer_id) else {
            return Err(Error::Decode {
                status: Some(created.http_status()),
                request_id: created.request_id().map(str::to_owned),
                path: Some("transfer_id".into()),
                reason: format!(
                    "at `transfer_id`: {} is neither a transfer's id nor the 0 of an accepted transfer",
                    created.transfer_id
                ),
                excerpt: String::new(),
                body: None,
                source: None,
            });
        };
        Ok(created.map(|_| TransferId::new(id).map_or(AccountTransfer::Accepted, AccountTransfer::Pending)))
    }

    /// Accepts a pending transfer for the receiving team, which then owns the image.
    pub async fn accept(
        self,
        image: ImageId,
        transfer: TransferId,
        team_uuid: impl Into<String>,
    ) -> Result<Response<()>, Error> {
        let body = AccountTransferAcceptance {
            transfer_id: wire(transfer)?,
            recipient_uuid: non_empty("recipient team UUID", team_uuid.into())?,
        };
        let builder = self.client.generated().images_post_account_transfer_accept().image_id(image).body(body);
        call(self.client, builder).await
    }

    /// Withdraws a transfer this account offered; the image stays here.
    pub async fn cancel(self, image: ImageId, transfer: TransferId) -> Result<Response<()>, Error> {
        let body = AccountTransferRef { transfer_id: wire(transfer)? };
        let builder = self.client.generated().images_post_account_transfer_cancel().image_id(image).body(body);
        call(self.client, builder).await
    }

    /// Refuses a transfer offered to this account; the image stays with the sender.
    pub async fn decline(self, image: ImageId, transfer: TransferId) -> Result<Response<()>, Error> {
        let body = AccountTransferRef { transfer_id: wire(transfer)? };
        let builder = self.client.generated().images_post_account_transfer_decline().image_id(image).body(body);
        call(self.client, builder).await
    }
}

fn non_empty(what: &str, value: String) -> Result<String, Error> {
    if value.trim().is_empty() {
        return Err(Error::InvalidRequest(format!("the {what} is empty")));
    }
    Ok(value)
}

/// A transfer id as the request bodies carry it: the API's ids are far below `i64::MAX`.
fn wire(transfer: TransferId) -> Result<i64, Error> {
    i64::try_from(transfer.get()).map_err(|_| Error::InvalidRequest(format!("transfer id {transfer} is out of range")))
}
