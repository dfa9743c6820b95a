package lua

import "github.com/yuin/gopher-lua/ast"

// concatLocal names the hidden local that holds the bounded concatenation
// function. The parentheses make it impossible to spell in Lua source, so a
// script can neither read nor shadow it.
const concatLocal = "(concat)"

// rewriteConcat turns every `a .. b` into `(concat)(a, b)` and declares
// `local (concat) = ...` at the top of the chunk; the chunk is then called
// with the bounded concat function as its argument. gopher-lua has no memory
// limit and OP_CONCAT cannot be intercepted, so without this `s = s .. s` in a
// loop doubles its way to an out-of-memory crash of the whole process.
func rewriteConcat(chunk []ast.Stmt) []ast.Stmt {
	rw := rewriter{}
	rw.stmts(chunk)
	decl := &ast.LocalAssignStmt{Names: []string{concatLocal}, Exprs: []ast.Expr{&ast.Comma3Expr{}}}
	return append([]ast.Stmt{decl}, chunk...)
}

type rewriter struct{}

func (rw rewriter) stmts(list []ast.Stmt) {
	for _, s := range list {
		rw.stmt(s)
	}
}

func (rw rewriter) exprs(list []ast.Expr) {
	for i := range list {
		list[i] = rw.expr(list[i])
	}
}

func (rw rewriter) stmt(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.AssignStmt:
		rw.exprs(s.Lhs)
		rw.exprs(s.Rhs)
	case *ast.LocalAssignStmt:
		rw.exprs(s.Exprs)
	case *ast.FuncCallStmt:
		s.Expr = rw.expr(s.Expr)
	case *ast.DoBlockStmt:
		rw.stmts(s.Stmts)
	case *ast.WhileStmt:
		s.Condition = rw.expr(s.Condition)
		rw.stmts(s.Stmts)
	case *ast.RepeatStmt:
		s.Condition = rw.expr(s.Condition)
		rw.stmts(s.Stmts)
	case *ast.IfStmt:
		s.Condition = rw.expr(s.Condition)
		rw.stmts(s.Then)
		rw.stmts(s.Else)
	case *ast.NumberForStmt:
		s.Init = rw.expr(s.Init)
		s.Limit = rw.expr(s.Limit)
		s.Step = rw.expr(s.Step)
		rw.stmts(s.Stmts)
	case *ast.GenericForStmt:
		rw.exprs(s.Exprs)
		rw.stmts(s.Stmts)
	case *ast.FuncDefStmt:
		rw.stmts(s.Func.Stmts)
	case *ast.ReturnStmt:
		rw.exprs(s.Exprs)
	}
}

func (rw rewriter) expr(e ast.Expr) ast.Expr {
	switch e := e.(type) {
	case nil:
		return nil
	case *ast.StringConcatOpExpr:
		call := &ast.FuncCallExpr{
			Func: &ast.IdentExpr{Value: concatLocal},
			Args: []ast.Expr{rw.expr(e.Lhs), rw.expr(e.Rhs)},
			// One result and never a tail call, so errors keep the caller's line.
			AdjustRet: true,
		}
		call.SetLine(e.Line())
		call.SetLastLine(e.LastLine())
		call.Func.SetLine(e.Line())
		call.Func.SetLastLine(e.LastLine())
		return call
	case *ast.AttrGetExpr:
		e.Object = rw.expr(e.Object)
		e.Key = rw.expr(e.Key)
	case *ast.TableExpr:
		for _, f := range e.Fields {
			f.Key = rw.expr(f.Key)
			f.Value = rw.expr(f.Value)
		}
	case *ast.FuncCallExpr:
		e.Func = rw.expr(e.Func)
		e.Receiver = rw.expr(e.Receiver)
		rw.exprs(e.Args)
	case *ast.LogicalOpExpr:
		e.Lhs = rw.expr(e.Lhs)
		e.Rhs = rw.expr(e.Rhs)
	case *ast.RelationalOpExpr:
		e.Lhs = rw.expr(e.Lhs)
		e.Rhs = rw.expr(e.Rhs)
	case *ast.ArithmeticOpExpr:
		e.Lhs = rw.expr(e.Lhs)
		e.Rhs = rw.expr(e.Rhs)
	case *ast.UnaryMinusOpExpr:
		e.Expr = rw.expr(e.Expr)
	case *ast.UnaryNotOpExpr:
		e.Expr = rw.expr(e.Expr)
	case *ast.UnaryLenOpExpr:
		e.Expr = rw.expr(e.Expr)
	case *ast.FunctionExpr:
		rw.stmts(e.Stmts)
	}
	return e
}
