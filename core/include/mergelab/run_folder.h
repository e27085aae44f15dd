#pragma once
// A run folder is owned: MergeLab writes only into a folder that is new,
// empty, or already holds a MergeLab run it may continue or (with force)
// replace; while a run writes it holds a lock; and every path inside it is
// opened relative to the folder without following symbolic links, so
// nothing outside the folder is ever written, renamed or deleted.
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mergelab {

enum class FolderKind {
    Missing,     // does not exist yet: created on claim
    Empty,       // exists, holds nothing
    MergeLabRun, // holds only a MergeLab run's files (run.json or lanes.json, metrics.csv, models/, lanes/,
                 // the lock)
    Other,       // anything else: refused
};

struct FolderInspection {
    FolderKind kind = FolderKind::Missing;
    std::string why; // for Other: what is in the way ("holds notes.txt", "is a symbolic link", ...)
};

// Looks without changing anything.
FolderInspection inspect_run_folder(const std::string& dir);

// Holds the folder for writing until destroyed: an advisory lock (flock on
// `.mergelab.lock`, which also names the holding process) and an open file
// descriptor of the folder through which every write, rename and delete
// goes (openat, O_NOFOLLOW). Not copyable.
class RunFolder;
namespace detail {
// claim_run_folder and claim_run_folder_to_continue, which share it.
std::unique_ptr<RunFolder> claim_folder(const std::string& dir, bool force, bool continuing);
} // namespace detail

class RunFolder {
public:
    ~RunFolder();
    RunFolder(const RunFolder&) = delete;
    RunFolder& operator=(const RunFolder&) = delete;

    const std::string& path() const { return path_; }
    // `relative` is a path under the folder ("models/round-001-env-1.pt");
    // no component may be "..", absolute, or a symbolic link.
    void write_file(const std::string& relative, const std::string& contents);
    // The writer gets a file descriptor of the temporary file; the result
    // is fsync'd and renamed over `relative`.
    void write_with(const std::string& relative, const std::function<void(int fd)>& fill);
    void remove_file(const std::string& relative); // a missing file is fine
    void make_folder(const std::string& relative);
    bool exists(const std::string& relative) const;

private:
    friend std::unique_ptr<RunFolder> detail::claim_folder(const std::string&, bool, bool);
    RunFolder(std::string path, int dir_fd, int lock_fd);
    int open_parent(const std::string& relative,
                    std::string& leaf) const; // caller closes unless it is dir_fd_
    std::string path_;
    int dir_fd_ = -1;
    int lock_fd_ = -1;
};

// Claims `dir` for a new run: creates it when missing; accepts an empty
// folder; a folder holding a previous MergeLab run only when `force` (its
// run files are removed first); refuses everything else, and a folder
// another process is writing (naming that process), with mergelab::Error
// naming the folder and what is in it. A lock left by a killed process
// does not block: flock dies with its holder.
std::unique_ptr<RunFolder> claim_run_folder(const std::string& dir, bool force);
// Claims `dir`, which must hold a MergeLab run, to add rounds to it: nothing
// is removed. Throws mergelab::Error when it holds no run or is locked.
std::unique_ptr<RunFolder> claim_run_folder_to_continue(const std::string& dir);
// The same refusals without claiming anything (lock aside), for front ends
// that want to refuse before loading data.
void check_run_folder(const std::string& dir, bool force);

// Copies the run in `from` (a run folder) into `to` under the same rule as
// claim_run_folder(to, false): `to` must be new or empty. Never follows a
// link inside `from`. Throws mergelab::Error naming what is wrong.
void copy_run_folder(const std::string& from, const std::string& to);

} // namespace mergelab
