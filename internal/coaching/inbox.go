package coaching

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Command is a slash command accepted before it is acted on. Slack never
// sends a command again once it is acknowledged, so a command the bot acts
// on after its ack (a quick capture, which may first read people's Slack
// profiles) is stored before the ack: from then on this row is its only
// record. Payload is the command as the edge read it (its own slim form,
// without Slack's token), for the edge to read again.
type Command struct {
	ID         int64
	Key        string // "cmd:" + trigger_id: stored once however often Slack delivers it
	UserID     string
	Payload    []byte
	ReceivedAt time.Time // what "today" means in it
}

// Accept stores a command before its ack. fresh is false when the same
// command (Slack redelivered it) was accepted before: it is acted on, or
// will be, from that first row.
func (s *Service) Accept(ctx context.Context, c Command) (_ Command, fresh bool, err error) {
	err = s.store.Update(ctx, func(tx Tx) error {
		fresh, err = tx.InsertCommand(ctx, &c)
		return err
	})
	if err != nil {
		return Command{}, false, fmt.Errorf("accept command of %s: %w", c.UserID, err)
	}
	return c, fresh, nil
}

// CommandDone records that a command was acted on without logging a
// session (a refusal, a form opened instead); a logged session marks its
// command done itself, in its own transaction. It reports whether this
// call marked it: false when it was done already (another replica
// answered it, or an earlier pass).
func (s *Service) CommandDone(ctx context.Context, id int64) (bool, error) {
	var marked bool
	err := s.store.Update(ctx, func(tx Tx) error {
		var err error
		marked, err = tx.MarkCommandDone(ctx, id, s.now())
		return err
	})
	if err != nil {
		return false, fmt.Errorf("mark command %d done: %w", id, err)
	}
	return marked, nil
}

// CommandAnswered reports whether a command was acted on already. Acting
// on one takes seconds (profiles read from Slack), and replicas replaying
// what is pending can come to a command the replica that acked it is
// still acting on; what cannot be undone, a form opened, looks first.
func (s *Service) CommandAnswered(ctx context.Context, id int64) (bool, error) {
	return s.store.CommandAnswered(ctx, id)
}

// errAnswered says a command was answered before this pass came to it.
func errAnswered(id int64) error {
	return Errorf(EAnswered, "Command %d was answered already.", id)
}

// AnswerCommand queues the answer to a command that logs nothing (why it
// was not logged) through its response_url, issued at, and marks the
// command done, in one transaction: the person hears it once, whatever
// crashes, and as a DM if the response_url can no longer be used. A
// command already done is not answered again: replicas replaying what was
// pending at their start can act on one command twice, and the check that
// it was pending, made before, is made again here where it is marked.
func (s *Service) AnswerCommand(ctx context.Context, c Command, responseURL string, at time.Time, text string) error {
	payload, err := json.Marshal(Reply{Text: text})
	if err != nil {
		return fmt.Errorf("encode answer to command %d: %w", c.ID, err)
	}
	err = s.store.Update(ctx, func(tx Tx) error {
		if marked, err := tx.MarkCommandDone(ctx, c.ID, s.now()); err != nil || !marked {
			return err
		}
		return tx.Enqueue(ctx, Message{Kind: MsgReply, Op: OpRespond, To: c.UserID, ResponseURL: responseURL, ResponseAt: at, Payload: payload})
	})
	if err != nil {
		return fmt.Errorf("answer command %d: %w", c.ID, err)
	}
	return nil
}

// PendingCommands lists the commands accepted before start and not acted
// on: what a crash (or a stop) left between the ack and the work.
func (s *Service) PendingCommands(ctx context.Context, start time.Time) ([]Command, error) {
	return s.store.PendingCommands(ctx, start)
}
