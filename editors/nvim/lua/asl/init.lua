-- asl.nvim: the Amazon States Language in Neovim through asl-lsp (check, complete, hover and
-- the simulation's results on the states themselves).
local M = {}

M.defaults = {
  -- The server: a command line. `asl-lsp` on PATH unless given.
  cmd = { 'asl-lsp' },
  -- Sent to the server as `asl.*` settings.
  settings = {
    mockConfig = nil, -- a MockConfigFile.json for every definition (default: beside each)
    testCase = nil, -- one test case to simulate (default: each)
    simulateOnChange = true, -- off: edits only check; open, save and :AslSimulate simulate
    s3Root = nil, -- a folder standing for S3 (BUCKET/KEY under it) for Distributed Maps (default: readers mocked)
  },
}

M.filetypes = { 'asl', 'asl-yaml' }

-- Templates: the buffer types that may hold state machines, and the resource types that say
-- one does (SAM / CloudFormation / CDK, Terraform).
M.template_filetypes = { 'yaml', 'json', 'terraform' }
M.template_markers = { 'AWS::StepFunctions::StateMachine', 'AWS::Serverless::StateMachine', 'aws_sfn_state_machine' }

-- Whether a yaml / json / terraform buffer holds a state machine resource.
function M.holds_state_machine(buf)
  local text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
  for _, marker in ipairs(M.template_markers) do
    if text:find(marker, 1, true) then
      return true
    end
  end
  return false
end

-- Whether the client attaches to a buffer: a state machine file, or a template holding one.
function M.attaches(buf)
  return vim.tbl_contains(M.filetypes, vim.bo[buf].filetype) or M.holds_state_machine(buf)
end

-- The client config, for vim.lsp.config (0.11+) and vim.lsp.start (older).
function M.config(opts)
  opts = vim.tbl_deep_extend('force', M.defaults, opts or {})
  return {
    name = 'asl_lsp',
    cmd = opts.cmd,
    filetypes = vim.list_extend(vim.deepcopy(M.filetypes), M.template_filetypes),
    root_markers = { 'MockConfigFile.json', '.git' },
    -- Neovim 0.11+: a yaml / json / terraform buffer only when it holds a state machine.
    root_dir = function(buf, on_dir)
      if M.attaches(buf) then
        on_dir(vim.fs.root(buf, { 'MockConfigFile.json', '.git' }) or vim.fn.getcwd())
      end
    end,
    init_options = { asl = opts.settings },
    settings = { asl = opts.settings },
  }
end

function M.setup(opts)
  local config = M.config(opts)
  if vim.lsp.config and vim.lsp.enable then
    vim.lsp.config('asl_lsp', config)
    vim.lsp.enable('asl_lsp')
  else
    -- Neovim 0.10 and older: start (or reuse) the client per buffer.
    vim.api.nvim_create_autocmd('FileType', {
      pattern = config.filetypes,
      group = vim.api.nvim_create_augroup('asl_lsp', { clear = true }),
      callback = function(args)
        if not M.attaches(args.buf) then
          return
        end
        local root = vim.fs.root and vim.fs.root(args.buf, config.root_markers) or vim.fn.getcwd()
        vim.lsp.start(vim.tbl_extend('force', config, { root_dir = root }), { bufnr = args.buf })
      end,
    })
  end
end

local function client_of(buf)
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  return get({ bufnr = buf, name = 'asl_lsp' })[1]
end

-- Run a server command (`asl.simulate`, `asl.graph`) on a buffer; `done(result)` gets the answer.
-- `extra`: more fields of the argument (`testCase`).
local function execute(command, buf, done, extra)
  local client = client_of(buf)
  if not client then
    vim.notify('asl: no asl-lsp client on this buffer', vim.log.levels.WARN)
    return
  end
  local argument = vim.tbl_extend('force', { uri = vim.uri_from_bufnr(buf) }, extra or {})
  local params = { command = command, arguments = { argument } }
  client:request('workspace/executeCommand', params, function(err, result)
    if err then
      vim.notify(command .. ': ' .. err.message, vim.log.levels.ERROR)
      return
    end
    done(result)
  end, buf)
end

-- Run `asl.simulate` on the current buffer; `done(result)` gets the server's answer.
function M.simulate(done, buf)
  execute('asl.simulate', buf or vim.api.nvim_get_current_buf(), done)
end

-- The lines :AslSimulate and :AslHistory show.
function M.summary_lines(result, with_timeline)
  local lines = {}
  for _, err in ipairs(result.errors or {}) do
    table.insert(lines, 'error ' .. err.code .. ': ' .. err.message)
  end
  for _, run in ipairs(result.runs or {}) do
    local name = run.testCase ~= vim.NIL and run.testCase or nil
    table.insert(lines, (name and ('[' .. name .. '] ') or '') .. run.summary)
    if with_timeline then
      vim.list_extend(lines, run.timeline or {})
      table.insert(lines, '')
    end
  end
  return lines
end

-- A scratch buffer in a split with these lines.
local function show(title, lines)
  vim.cmd('botright new')
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.api.nvim_buf_set_name(buf, title)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
end

-- The system viewer: vim.ui.open (0.10+), else xdg-open. Returns nil and why when there is none.
function M.open_in_viewer(path)
  if vim.ui.open then
    local job, err = vim.ui.open(path)
    return job and true or nil, err
  end
  if vim.fn.executable('xdg-open') == 1 then
    vim.fn.jobstart({ 'xdg-open', path }, { detach = true })
    return true
  end
  return nil, 'no xdg-open on PATH'
end

-- Write the answer of `asl.graph` (graph and timeline SVG) and open the graph.
local function write_graph(buf, result, open)
  local name = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buf), ':t:r:r')
  local case = result.testCase ~= vim.NIL and result.testCase or nil
  local base = vim.fn.tempname() .. '-' .. name .. (case and ('-' .. case:gsub('[^%w_-]', '_')) or '')
  vim.fn.writefile(vim.split(result.graph, '\n'), base .. '.svg')
  if result.timeline and result.timeline ~= vim.NIL then
    vim.fn.writefile(vim.split(result.timeline, '\n'), base .. '.timeline.svg')
  end
  local what = case and ('graph of test case ' .. case) or 'graph'
  local ok, why = (open or M.open_in_viewer)(base .. '.svg')
  if ok then
    vim.notify('asl: ' .. what .. ' written to ' .. base .. '.svg')
  else
    vim.notify(
      'asl: ' .. what .. ' written to ' .. base .. '.svg, but no viewer opens it (' .. tostring(why) .. ')',
      vim.log.levels.WARN
    )
  end
end

-- :AslGraph [TEST CASE]: the state machine (and a test case's simulated path) as SVG, opened in
-- the system viewer. With several test cases and none named, asks which to draw.
-- `open(path)` returns true when a viewer took it (default: M.open_in_viewer).
function M.graph_command(open, test_case)
  local buf = vim.api.nvim_get_current_buf()
  execute('asl.graph', buf, function(result)
    local cases = result.testCases or {}
    if test_case == nil and #cases > 1 then
      vim.ui.select(cases, { prompt = 'asl: draw which test case?' }, function(choice)
        if choice then
          vim.api.nvim_buf_call(buf, function()
            M.graph_command(open, choice)
          end)
        end
      end)
      return
    end
    write_graph(buf, result, open)
  end, test_case and { testCase = test_case } or nil)
end

function M.simulate_command()
  M.simulate(function(result)
    vim.notify(table.concat(M.summary_lines(result, false), '\n'))
  end)
end

function M.history_command()
  local source = vim.api.nvim_buf_get_name(0)
  M.simulate(function(result)
    show('asl-history://' .. vim.fn.fnamemodify(source, ':t'), M.summary_lines(result, true))
  end)
end

return M
