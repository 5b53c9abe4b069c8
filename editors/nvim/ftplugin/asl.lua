-- ASL in JSON: highlighted as JSON.
vim.bo.syntax = 'json'
if vim.treesitter and vim.treesitter.language and vim.treesitter.language.register then
  pcall(vim.treesitter.language.register, 'json', 'asl')
end
vim.bo.commentstring = ''
