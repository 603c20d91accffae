package fakeslack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The upload flow as Slack documents it
// (https://docs.slack.dev/reference/methods/files.getUploadURLExternal and
// .../files.completeUploadExternal; the error codes are those pages'):
//   - files.getUploadURLExternal takes filename and length (the size in
//     bytes), both required; a length of 0 is missing_argument, an alt_txt
//     over 1,000 characters alt_txt_too_large;
//   - the bytes are POSTed to the upload_url, raw or as multipart; a
//     non-200 answer is a failure. Bytes that do not match the announced
//     length are refused here (400): Slack registers the length reserved in
//     the first step, and a mismatch stores a truncated or refused file;
//   - files.completeUploadExternal takes files, a JSON array of {id,
//     title}; a file never uploaded is file_not_found ("Could not find the
//     file from the upload ticket"), and so is one completed before: the
//     method "can only be called once". channel_id, when given, shares the
//     file there (channel_not_found, not_in_channel as for posts; see
//     AddChannel); without it the file stays private. thread_ts makes the
//     share a reply in that thread and wants a single channel.

// maxAltText is the longest alt_txt files.getUploadURLExternal takes.
const maxAltText = 1000

// maxShareChannels is how many channels one completion may share to.
const maxShareChannels = 100

// fileRec is a file going through the three-step upload.
type fileRec struct {
	File
	uploaded bool
}

// File is an uploaded file and where it was shared.
type File struct {
	ID             string
	Name           string
	Title          string
	AltText        string
	Length         int // as announced to files.getUploadURLExternal
	Content        []byte
	Channel        string // channel_id, or the first of channels
	Channels       []string
	ThreadTS       string
	InitialComment string
	Completed      bool
	UploadedAt     time.Time
}

// Files returns every file the bot started uploading, in order.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]File, 0, s.st.fileSeq)
	for i := 1; i <= s.st.fileSeq; i++ {
		if f := s.st.files[fileID(i)]; f != nil {
			out = append(out, f.File)
		}
	}
	return out
}

func fileID(n int) string { return fmt.Sprintf("F%04d", n) }

func (s *Server) filesGetUploadURLExternal(r *apiRequest) apiResult {
	name := r.param("filename")
	if name == "" {
		return errResult("invalid_arguments", "[ERROR] missing required field: filename")
	}
	if !r.has("length") {
		return errResult("invalid_arguments", "[ERROR] missing required field: length")
	}
	length, err := strconv.Atoi(r.param("length"))
	switch {
	case err != nil || length < 0:
		return errResult("invalid_arguments", "[ERROR] length must be a positive integer")
	case length == 0:
		return errResult("missing_argument")
	case utf8.RuneCountInString(r.param("alt_txt")) > maxAltText:
		return errResult("alt_txt_too_large")
	}
	s.st.fileSeq++
	id := fileID(s.st.fileSeq)
	s.st.files[id] = &fileRec{File: File{ID: id, Name: name, Length: length, AltText: r.param("alt_txt")}}
	return okResult(map[string]any{"upload_url": s.baseURL + "/upload/" + id, "file_id": id})
}

// handleUpload receives the file's bytes, as multipart (slack-go's way) or
// as a raw body, and answers as Slack's upload host does.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/upload/")
	content, err := readUpload(r)
	s.sleep(r.Context(), s.latencyFor(MethodUpload))

	s.mu.Lock()
	call := Call{Method: MethodUpload, HTTPMethod: r.Method, Params: map[string]string{"file_id": id},
		Body: content, ContentType: r.Header.Get("Content-Type"), Time: s.now(), Status: http.StatusOK}
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
		call.Token = strings.TrimPrefix(auth, "Bearer ")
	}
	f := s.st.files[id]
	fault, faulted := s.takeFaultLocked(MethodUpload)
	switch {
	case faulted:
		res := faultResult(fault)
		call.Status, call.Error = res.status, res.errCode
		if call.Status == 0 {
			call.Status = http.StatusOK
		}
	case f == nil || f.Completed:
		call.Status, call.Error = http.StatusNotFound, "file_not_found"
	case err != nil:
		call.Status, call.Error = http.StatusBadRequest, "invalid_upload"
	case len(content) != f.Length:
		call.Status, call.Error = http.StatusBadRequest, "length_mismatch"
		f.uploaded = false
	default:
		f.Content, f.uploaded, f.UploadedAt = content, true, s.now()
	}
	s.st.calls = append(s.st.calls, call)
	s.notifyLocked()
	s.mu.Unlock()

	if faulted {
		res := faultResult(fault)
		writeResult(w, res, res.encode())
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(call.Status)
	if call.Status == http.StatusOK {
		fmt.Fprintf(w, "OK - %d", len(content))
	} else {
		fmt.Fprint(w, call.Error)
	}
}

func readUpload(r *http.Request) ([]byte, error) {
	ctype, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if !strings.HasPrefix(ctype, "multipart/") {
		b, err := io.ReadAll(io.LimitReader(r.Body, 1<<30))
		if err != nil {
			return nil, fmt.Errorf("read upload body: %w", err)
		}
		return b, nil
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return nil, fmt.Errorf("find the file part: %w", err)
		}
		if p.FormName() == "file" {
			var buf bytes.Buffer
			if _, err := io.Copy(&buf, p); err != nil {
				return nil, fmt.Errorf("read the file part: %w", err)
			}
			return buf.Bytes(), nil
		}
	}
}

// filesCompleteUploadExternal shares uploaded files.
func (s *Server) filesCompleteUploadExternal(r *apiRequest) apiResult {
	if !r.has("files") {
		return errResult("invalid_arguments", "[ERROR] missing required field: files")
	}
	var list []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(r.param("files")), &list); err != nil || len(list) == 0 {
		return errResult("invalid_arguments", "[ERROR] files must be a JSON array of {id, title}")
	}
	var channels []string
	if c := r.param("channels"); c != "" {
		channels = strings.Split(c, ",")
	}
	channel := r.param("channel_id")
	if res, ok := s.checkShareChannelLocked(channel); !ok {
		return res
	}
	if channel != "" {
		channels = append([]string{channel}, channels...)
	} else if len(channels) > 0 {
		channel = channels[0]
	}
	switch {
	case len(channels) > maxShareChannels:
		return errResult("channels_limit_exceeded")
	case r.param("thread_ts") != "" && len(channels) != 1:
		return errResult("invalid_arguments", "[ERROR] thread_ts needs exactly one channel")
	}
	for _, ch := range channels {
		if code := s.postableLocked(ch); code != "" {
			return errResult(code)
		}
	}
	for _, item := range list {
		if f := s.st.files[item.ID]; f == nil || !f.uploaded || f.Completed {
			return errResult("file_not_found")
		}
	}
	out := make([]any, 0, len(list))
	for _, item := range list {
		f := s.st.files[item.ID]
		if item.Title == "" {
			item.Title = f.Name // Slack titles untitled files by their name
		}
		f.Title, f.Channel, f.Channels = item.Title, channel, channels
		f.ThreadTS, f.InitialComment, f.Completed = r.param("thread_ts"), r.param("initial_comment"), true
		out = append(out, map[string]any{"id": f.ID, "title": f.Title})
	}
	return okResult(map[string]any{"files": out})
}
